import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Contract 1.1: why a key was revoked and which expiry warnings went out; per-key usage in hourly and
 * daily buckets; the audit event's `changes` (stored as the exact JSON text the hash covers).
 */
export class Contract111764100000000 implements MigrationInterface {
  name = 'Contract111764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE api_keys ADD COLUMN revoked_reason varchar(32)`);
    await db.query(`UPDATE api_keys SET revoked_reason = 'revoked' WHERE revoked_at IS NOT NULL`);
    // the expiresAt each warning was sent for: a changed expiry warns again
    await db.query(`ALTER TABLE api_keys ADD COLUMN expiry_warned_7d_for timestamptz, ADD COLUMN expiry_warned_1d_for timestamptz`);
    await db.query(`CREATE INDEX api_keys_expiring ON api_keys (expires_at) WHERE revoked_at IS NULL AND expires_at IS NOT NULL`);
    for (const table of ['api_key_usage_hourly', 'api_key_usage_daily']) {
      await db.query(`
        CREATE TABLE ${table} (
          api_key_id uuid NOT NULL REFERENCES api_keys(id),
          bucket_start timestamptz NOT NULL,
          company_id uuid NOT NULL,
          requests integer NOT NULL DEFAULT 0,
          succeeded integer NOT NULL DEFAULT 0,
          denied integer NOT NULL DEFAULT 0,
          failed integer NOT NULL DEFAULT 0,
          credits_spent integer NOT NULL DEFAULT 0,
          PRIMARY KEY (api_key_id, bucket_start)
        )`);
      await db.query(`CREATE INDEX ${table}_start ON ${table} (bucket_start)`);
    }
    await db.query(`ALTER TABLE audit_events ADD COLUMN changes text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE audit_events DROP COLUMN changes`);
    await db.query(`DROP TABLE api_key_usage_daily`);
    await db.query(`DROP TABLE api_key_usage_hourly`);
    await db.query(`DROP INDEX api_keys_expiring`);
    await db.query(`ALTER TABLE api_keys DROP COLUMN revoked_reason, DROP COLUMN expiry_warned_7d_for, DROP COLUMN expiry_warned_1d_for`);
  }
}
