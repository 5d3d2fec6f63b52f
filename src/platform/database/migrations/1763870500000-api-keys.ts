import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiKeys1763870500000 implements MigrationInterface {
  name = 'ApiKeys1763870500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        company_id uuid NOT NULL REFERENCES companies(id),
        public_id varchar(32) NOT NULL CONSTRAINT api_keys_public_id_unique UNIQUE,
        name varchar(100) NOT NULL,
        description varchar(500),
        secret_hash char(64) NOT NULL,
        previous_secret_hash char(64),
        previous_secret_valid_until timestamptz,
        retired_secret_hashes text[] NOT NULL DEFAULT '{}',
        generation integer NOT NULL DEFAULT 1,
        scopes text[] NOT NULL,
        expires_at timestamptz,
        ip_allowlist text[] NOT NULL DEFAULT '{}',
        daily_credit_limit integer CONSTRAINT api_keys_daily_credit_limit_non_negative CHECK (daily_credit_limit >= 0),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        rotated_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz,
        last_used_ip varchar(64)
      )`);
    await db.query(`CREATE INDEX api_keys_company ON api_keys (company_id, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE api_keys`);
  }
}
