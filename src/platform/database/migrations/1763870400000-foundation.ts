import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1763870400000 implements MigrationInterface {
  name = 'Foundation1763870400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE companies (
        id uuid PRIMARY KEY,
        name varchar(200) NOT NULL,
        api_enabled boolean NOT NULL DEFAULT false,
        ip_allowlist text[] NOT NULL DEFAULT '{}',
        credit_balance integer NOT NULL DEFAULT 0 CONSTRAINT companies_credit_balance_non_negative CHECK (credit_balance >= 0),
        low_balance_threshold integer NOT NULL DEFAULT 3,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        company_id uuid NOT NULL REFERENCES companies(id),
        email varchar(320) NOT NULL,
        name varchar(200) NOT NULL,
        password_hash varchar(255) NOT NULL,
        role varchar(16) NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'auditor')),
        created_at timestamptz NOT NULL DEFAULT now(),
        removed_at timestamptz
      )`);
    await db.query(`CREATE UNIQUE INDEX users_email_active_unique ON users (lower(email)) WHERE removed_at IS NULL`);
    await db.query(`CREATE INDEX users_company_id ON users (company_id, id)`);
    await db.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL,
        token_hash char(64) NOT NULL UNIQUE,
        company_id uuid NOT NULL REFERENCES companies(id),
        user_id uuid REFERENCES users(id),
        api_key_public_id varchar(32),
        expires_at timestamptz NOT NULL,
        spent_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((user_id IS NULL) <> (api_key_public_id IS NULL))
      )`);
    await db.query(`CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id)`);
    await db.query(`
      CREATE TABLE outbox_events (
        id uuid PRIMARY KEY,
        company_id uuid NOT NULL REFERENCES companies(id),
        type varchar(64) NOT NULL,
        data jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX outbox_events_company ON outbox_events (company_id, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE outbox_events`);
    await db.query(`DROP TABLE refresh_tokens`);
    await db.query(`DROP TABLE users`);
    await db.query(`DROP TABLE companies`);
  }
}
