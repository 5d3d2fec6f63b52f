import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The debit's conditional UPDATE of the company row, into `balance` and `threshold` (shared with migration 1764103600000). */
export const DEBIT_COMPANY_ROW = `UPDATE companies SET credit_balance = credit_balance - p_credits
         WHERE id = p_company_id AND credit_balance >= p_credits
         RETURNING credit_balance, low_balance_threshold INTO balance, threshold;`;

/** The debit's ledger row, its id from the database's clock and never below the company's newest (shared as above). */
export const DEBIT_LEDGER_ROW = `new_id := uuid_v7_now();
        SELECT id INTO newest FROM credit_ledger WHERE company_id = p_company_id ORDER BY id DESC LIMIT 1;
        IF newest >= new_id THEN
          new_id := uuid_v7_after(newest);
        END IF;
        INSERT INTO credit_ledger (id, company_id, delta, balance_after, reason, resource_type, resource_id, actor, api_key_id)
          VALUES (new_id, p_company_id, -p_credits, balance, p_reason, p_reason, p_resource_id::uuid, p_actor, p_api_key_id);`;

/** `uuid_v7_now` as this migration made it (frozen, for a later migration's `down`). */
export const UUID_V7_NOW_FUNCTION = `
      CREATE FUNCTION uuid_v7_now() RETURNS uuid LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        now_ms numeric := extract(epoch FROM clock_timestamp()) * 1000;
        whole_ms bigint := floor(now_ms);
        fraction integer := floor((now_ms - whole_ms) * 4096);
        bytes bytea := uuid_send(gen_random_uuid());
      BEGIN
        bytes := overlay(bytes PLACING substring(int8send(whole_ms) FROM 3) FROM 1 FOR 6);
        bytes := set_byte(bytes, 6, 112 | (fraction >> 8));
        bytes := set_byte(bytes, 7, fraction & 255);
        RETURN encode(bytes, 'hex')::uuid;
      END
      $$`;

/** `credit_debit` as this migration made it: exported, frozen, for a later migration's `down`. */
export const CREDIT_DEBIT_FUNCTION = `
      CREATE FUNCTION credit_debit(p_company_id uuid, p_credits integer, p_reason text, p_resource_id text, p_actor jsonb, p_api_key_id uuid)
      RETURNS TABLE (balance integer, threshold integer) LANGUAGE plpgsql AS $$
      DECLARE
        new_id uuid;
        newest uuid;
      BEGIN
        ${DEBIT_COMPANY_ROW}
        IF NOT FOUND THEN
          RETURN;
        END IF;
        ${DEBIT_LEDGER_ROW}
        RETURN NEXT;
      END
      $$`;

/** The staged debit and the deferred trigger that takes it, as this migration made them (frozen, as above). */
export const CREDIT_PENDING_TABLE = `
      CREATE UNLOGGED TABLE credit_pending (
        id uuid PRIMARY KEY,
        company_id uuid NOT NULL,
        credits integer NOT NULL,
        reason text NOT NULL,
        resource_id text,
        actor jsonb NOT NULL,
        api_key_id uuid
      ) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000)`;
export const CREDIT_DEBIT_PENDING_FUNCTION = `
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
      $$`;
export const CREDIT_PENDING_TRIGGER = `
      CREATE CONSTRAINT TRIGGER credit_pending_debit AFTER INSERT ON credit_pending
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION credit_debit_pending()`;

/**
 * The credit debit at COMMIT, in one statement, as the audit append is (issue #15):
 * - `credit_debit` takes the company row by the conditional UPDATE and appends the debit's ledger row,
 *   whose id it makes only then, from the database's clock (a UUIDv7 whose 12 bits after the
 *   millisecond hold the fraction of it, RFC 9562 §6.2 method 3), and never below the company's newest
 *   id: the embedded database's clock has whole milliseconds only, so when it has not moved past that
 *   id the successor is taken (`uuid_v7_after`, the random tail plus one). Ledger ids follow the order
 *   of the debits and the newest row carries the balance. No row when the balance is short: nothing
 *   changed;
 * - a paid write stages its debit in `credit_pending`, and a deferred constraint trigger runs
 *   `credit_debit` for it while the COMMIT is processed: the company row is locked for the COMMIT only,
 *   never across a round trip to the service. The write stages its debit before its audit event, so
 *   at COMMIT the company row is still locked before the chain head (the lock order). The COMMIT fails,
 *   and nothing of the write stays, with SQLSTATE FG402 when the balance is short, or FG201 when the
 *   debit would cross the company's low-balance threshold: its `credits.low` event must commit with
 *   it, so the service runs that write again with `credit_debit` called at once (the rare case).
 *   UNLOGGED: a staged row never outlives its transaction, so it needs no WAL.
 */
export class CreditDebitAtCommit1764103100000 implements MigrationInterface {
  name = 'CreditDebitAtCommit1764103100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(UUID_V7_NOW_FUNCTION);
    await db.query(`
      CREATE FUNCTION uuid_v7_after(previous uuid) RETURNS uuid LANGUAGE sql IMMUTABLE STRICT AS $$
        SELECT encode(overlay(uuid_send(previous)
          PLACING int8send(('x' || right(replace(previous::text, '-', ''), 16))::bit(64)::bigint + 1) FROM 9 FOR 8), 'hex')::uuid
      $$`);
    await db.query(CREDIT_DEBIT_FUNCTION);
    await db.query(CREDIT_PENDING_TABLE);
    await db.query(CREDIT_DEBIT_PENDING_FUNCTION);
    await db.query(CREDIT_PENDING_TRIGGER);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE credit_pending`);
    await db.query(`DROP FUNCTION credit_debit_pending()`);
    await db.query(`DROP FUNCTION credit_debit(uuid, integer, text, text, jsonb, uuid)`);
    await db.query(`DROP FUNCTION uuid_v7_after(uuid)`);
    await db.query(`DROP FUNCTION uuid_v7_now()`);
  }
}
