import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log: append-only (the database refuses UPDATE, DELETE and TRUNCATE), hash-chained per
 * company. `audit_chain_heads` holds each company's last seq and hash; a writer locks its company's
 * row, so writers of one company serialise and never fork the chain while other companies go on.
 */
export class AuditLog1763870800000 implements MigrationInterface {
  name = 'AuditLog1763870800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY,
        company_id uuid NOT NULL REFERENCES companies(id),
        seq bigint NOT NULL CHECK (seq > 0),
        occurred_at timestamptz NOT NULL,
        actor_type varchar(16) NOT NULL CHECK (actor_type IN ('user', 'api_key')),
        actor_id uuid,
        actor_name varchar(200),
        actor_public_id varchar(64),
        ip varchar(64),
        user_agent varchar(512),
        request_id varchar(128) NOT NULL,
        action varchar(64) NOT NULL,
        method varchar(10) NOT NULL,
        path varchar(2048) NOT NULL,
        resource_type varchar(64),
        resource_id varchar(128),
        status integer NOT NULL,
        outcome varchar(8) NOT NULL CHECK (outcome IN ('success', 'denied', 'error')),
        credits_spent integer NOT NULL DEFAULT 0,
        idempotency_key varchar(255),
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL,
        CONSTRAINT audit_events_company_seq UNIQUE (company_id, seq)
      )`);
    await db.query(`CREATE INDEX audit_events_company_occurred ON audit_events (company_id, occurred_at)`);
    await db.query(`CREATE INDEX audit_events_company_actor ON audit_events (company_id, actor_id, seq)`);
    await db.query(`CREATE INDEX audit_events_company_action ON audit_events (company_id, action, seq)`);
    await db.query(`CREATE INDEX audit_events_company_resource ON audit_events (company_id, resource_type, resource_id, seq)`);
    await db.query(`CREATE INDEX audit_events_company_outcome ON audit_events (company_id, outcome, seq)`);
    await db.query(`
      CREATE TABLE audit_chain_heads (
        company_id uuid PRIMARY KEY REFERENCES companies(id),
        seq bigint NOT NULL,
        hash char(64) NOT NULL
      )`);
    await db.query(`
      CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
      END
      $$`);
    await db.query(`
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`);
    await db.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_chain_heads`);
    await db.query(`DROP TABLE audit_events`);
    await db.query(`DROP FUNCTION audit_events_refuse_change()`);
  }
}
