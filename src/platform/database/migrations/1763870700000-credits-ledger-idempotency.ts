import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The credit ledger (one row per change of balance, with a welcome row backfilled for every existing
 * company so that the sum of deltas equals the balance from the start) and the idempotency records.
 */
/** A UUIDv7 for a past moment, so backfilled rows sort by time like every other row. */
const uuidV7At = (column: string) => `encode(set_byte(
  overlay(uuid_send(gen_random_uuid()) placing substring(int8send(floor(extract(epoch from ${column}) * 1000)::bigint) from 3) from 1 for 6),
  6, (get_byte(uuid_send(gen_random_uuid()), 6) & 15) | 112), 'hex')::uuid`;

export class CreditsLedgerIdempotency1763870700000 implements MigrationInterface {
  name = 'CreditsLedgerIdempotency1763870700000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE credit_ledger (
        id uuid PRIMARY KEY,
        company_id uuid NOT NULL REFERENCES companies(id),
        delta integer NOT NULL CHECK (delta <> 0),
        balance_after integer NOT NULL CHECK (balance_after >= 0),
        reason varchar(16) NOT NULL CHECK (reason IN ('welcome', 'top_up', 'inspection', 'agreement', 'refund')),
        resource_type varchar(32),
        resource_id uuid,
        actor jsonb NOT NULL,
        api_key_id uuid,
        payment_reference varchar(200),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX credit_ledger_company ON credit_ledger (company_id, id)`);
    await db.query(
      `CREATE INDEX credit_ledger_key_debits ON credit_ledger (company_id, api_key_id, created_at) WHERE api_key_id IS NOT NULL AND delta < 0`,
    );
    await db.query(`
      INSERT INTO credit_ledger (id, company_id, delta, balance_after, reason, actor, created_at)
      SELECT ${uuidV7At('created_at')}, id, credit_balance, credit_balance, 'welcome',
             '{"type":"system","id":null,"name":"Fleetgate"}'::jsonb, created_at
      FROM companies WHERE credit_balance > 0`);
    await db.query(`
      CREATE TABLE idempotency_keys (
        id uuid PRIMARY KEY,
        company_id uuid NOT NULL REFERENCES companies(id),
        key varchar(255) NOT NULL,
        fingerprint char(64) NOT NULL,
        lock_id uuid,
        response_status integer,
        response_body text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT idempotency_keys_company_key UNIQUE (company_id, key),
        CHECK ((lock_id IS NULL) = (response_status IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX idempotency_keys_expiry ON idempotency_keys (company_id, created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE idempotency_keys`);
    await db.query(`DROP TABLE credit_ledger`);
  }
}
