import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The credit debit at COMMIT, as the audit append is (issue #15): a paid write stages its debit in
 * `credit_pending`, and a deferred constraint trigger runs `credit_debit` for it while the COMMIT is
 * processed. The company row is then locked for the COMMIT only, never across a round trip to the
 * service. The write stages its debit before its audit event, so at COMMIT the company row is still
 * locked before the chain head (the lock order). The COMMIT fails, and nothing of the write stays,
 * with SQLSTATE FG402 when the balance is short, or FG201 when the debit would cross the company's
 * low-balance threshold: its `credits.low` event must commit with it, so the service runs that write
 * again with the debit taken at once (the rare case).
 *
 * UNLOGGED: a staged row never outlives its transaction, so it needs no WAL.
 */
export class CreditDebitAtCommit1764103600000 implements MigrationInterface {
  name = 'CreditDebitAtCommit1764103600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE UNLOGGED TABLE credit_pending (
        id uuid PRIMARY KEY,
        company_id uuid NOT NULL,
        credits integer NOT NULL,
        reason text NOT NULL,
        resource_id text,
        actor jsonb NOT NULL,
        api_key_id uuid
      ) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000)`);
    await db.query(`
      CREATE FUNCTION credit_debit_pending() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        debited record;
      BEGIN
        SELECT balance, threshold INTO debited
          FROM credit_debit(NEW.company_id, NEW.credits, NEW.reason, NEW.resource_id, NEW.actor, NEW.api_key_id);
        IF NOT FOUND THEN
          RAISE EXCEPTION 'credit_debit: the balance is short of % credits', NEW.credits USING ERRCODE = 'FG402';
        END IF;
        IF debited.balance < debited.threshold AND debited.balance + NEW.credits >= debited.threshold THEN
          RAISE EXCEPTION 'credit_debit: the debit crosses the low-balance threshold' USING ERRCODE = 'FG201';
        END IF;
        DELETE FROM credit_pending WHERE id = NEW.id;
        RETURN NULL;
      END
      $$`);
    await db.query(`
      CREATE CONSTRAINT TRIGGER credit_pending_debit AFTER INSERT ON credit_pending
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION credit_debit_pending()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE credit_pending`);
    await db.query(`DROP FUNCTION credit_debit_pending()`);
  }
}
