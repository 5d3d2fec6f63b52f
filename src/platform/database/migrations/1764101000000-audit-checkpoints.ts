import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed checkpoints of the audit chain (contract §4 audit) and the signing keys published at
 * /.well-known/fleetgate/audit-keys. Checkpoints are append-only like the events (same trigger
 * function); one per (company, seq, key), so two instances signing the same head store it once.
 * `signed_at` is the exact ISO string that was signed. Keys are never deleted: a rotated key keeps
 * its row with `valid_to`.
 */
export class AuditCheckpoints1764101000000 implements MigrationInterface {
  name = 'AuditCheckpoints1764101000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_checkpoints (
        id uuid PRIMARY KEY,
        company_id uuid NOT NULL REFERENCES companies(id),
        seq bigint NOT NULL CHECK (seq >= 1),
        hash char(64) NOT NULL,
        signed_at text NOT NULL,
        kid text NOT NULL,
        signature text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (company_id, seq, kid)
      )`);
    await db.query(`CREATE INDEX audit_checkpoints_company_created ON audit_checkpoints (company_id, created_at DESC, id DESC)`);
    await db.query(`
      CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
      FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`);
    await db.query(`
      CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`);
    await db.query(`
      CREATE TABLE audit_signing_keys (
        kid text PRIMARY KEY,
        public_key text NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_to timestamptz
      )`);
    await db.query(`
      DO $$
      DECLARE
        service name := current_user;
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fleetgate_audit_owner')
           OR NOT ((SELECT rolsuper FROM pg_roles WHERE rolname = current_user) OR pg_has_role(service, 'fleetgate_audit_owner', 'MEMBER')) THEN
          RAISE NOTICE 'audit_checkpoints stays owned by %', service;
          RETURN;
        END IF;
        ALTER TABLE audit_checkpoints OWNER TO fleetgate_audit_owner;
        REVOKE ALL ON audit_checkpoints FROM PUBLIC;
        EXECUTE format('GRANT SELECT, INSERT ON audit_checkpoints TO %I', service);
      END
      $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_signing_keys`);
    await db.query(`DROP TABLE audit_checkpoints`);
  }
}
