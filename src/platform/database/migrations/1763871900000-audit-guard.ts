import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The head may move forward one seq (with any hash); migration 1764103500000 narrows and widens this. */
export const FORWARD_ONE_STEP = 'NEW.seq = OLD.seq + 1';

/** The head's guard: no delete, no change of company, and an update only keeps it or moves it `forward`. */
export const headForwardOnlyFunction = (verb: 'CREATE' | 'CREATE OR REPLACE', forward: string) => `
      ${verb} FUNCTION audit_chain_heads_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'UPDATE' THEN
          RAISE EXCEPTION 'audit_chain_heads: % refused', TG_OP USING ERRCODE = 'restrict_violation';
        END IF;
        IF NEW.company_id <> OLD.company_id
           OR NOT (NEW.seq = OLD.seq AND NEW.hash = OLD.hash OR ${forward}) THEN
          RAISE EXCEPTION 'audit_chain_heads: the chain head only moves forward (seq % to %) refused', OLD.seq, NEW.seq
            USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END
      $$`;

/**
 * The audit log's guards that the service itself cannot switch off (contract §4 audit):
 * 1. the chain head only moves forward, one seq at a time, and is never deleted (trigger), so events
 *    deleted from the end cannot be hidden by rewinding it;
 * 2. the audit tables and their trigger functions belong to `fleetgate_audit_owner`, a role nobody
 *    logs in as; the role running the migrations keeps only SELECT and INSERT on `audit_events` and
 *    SELECT, INSERT and UPDATE (seq, hash) on `audit_chain_heads`, so it can neither disable the
 *    append-only trigger nor alter the tables.
 * The ownership step needs a superuser or a member of `fleetgate_audit_owner` (README: managed
 * databases); without either it is skipped with a notice and the triggers still apply.
 */
export class AuditGuard1763871900000 implements MigrationInterface {
  name = 'AuditGuard1763871900000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(headForwardOnlyFunction('CREATE', FORWARD_ONE_STEP));
    await db.query(`
      CREATE TRIGGER audit_chain_heads_forward_only BEFORE UPDATE OR DELETE ON audit_chain_heads
      FOR EACH ROW EXECUTE FUNCTION audit_chain_heads_forward_only()`);
    await db.query(`
      CREATE TRIGGER audit_chain_heads_no_truncate BEFORE TRUNCATE ON audit_chain_heads
      FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_heads_forward_only()`);
    await db.query(`
      DO $$
      DECLARE
        service name := current_user;
        superuser boolean := (SELECT rolsuper FROM pg_roles WHERE rolname = current_user);
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fleetgate_audit_owner') THEN
          IF NOT superuser THEN
            RAISE NOTICE 'role fleetgate_audit_owner missing: the audit tables stay owned by %', service;
            RETURN;
          END IF;
          BEGIN
            CREATE ROLE fleetgate_audit_owner NOLOGIN;
          EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- created meanwhile by a migration of another database of this cluster
          END;
        END IF;
        IF NOT superuser AND NOT pg_has_role(service, 'fleetgate_audit_owner', 'MEMBER') THEN
          RAISE NOTICE 'not a member of fleetgate_audit_owner: the audit tables stay owned by %', service;
          RETURN;
        END IF;
        ALTER TABLE audit_events OWNER TO fleetgate_audit_owner;
        ALTER TABLE audit_chain_heads OWNER TO fleetgate_audit_owner;
        ALTER FUNCTION audit_events_refuse_change() OWNER TO fleetgate_audit_owner;
        ALTER FUNCTION audit_chain_heads_forward_only() OWNER TO fleetgate_audit_owner;
        REVOKE ALL ON audit_events, audit_chain_heads FROM PUBLIC;
        EXECUTE format('GRANT SELECT, INSERT ON audit_events TO %I', service);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE (seq, hash) ON audit_chain_heads TO %I', service);
        -- the foreign keys of the audit tables check companies as their owner
        EXECUTE format('GRANT REFERENCES ON companies TO fleetgate_audit_owner');
      END
      $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER audit_chain_heads_no_truncate ON audit_chain_heads`);
    await db.query(`DROP TRIGGER audit_chain_heads_forward_only ON audit_chain_heads`);
    await db.query(`DROP FUNCTION audit_chain_heads_forward_only()`);
  }
}
