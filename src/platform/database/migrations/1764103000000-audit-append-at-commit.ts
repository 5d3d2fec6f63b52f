import type { MigrationInterface, QueryRunner } from 'typeorm';

const APPEND_ARGUMENTS = `NEW.company_id, NEW.genesis_hash, NEW.id::text, NEW.actor_type, NEW.actor_id, NEW.actor_name,
  NEW.actor_public_id, NEW.ip, NEW.user_agent, NEW.request_id, NEW.action, NEW.method, NEW.path, NEW.resource_type,
  NEW.resource_id, NEW.status, NEW.outcome, NEW.credits_spent, NEW.idempotency_key, NEW.changes`;

/**
 * The chain head is locked at COMMIT, not before it (issue #15). A write stages its event in
 * `audit_pending`; a deferred constraint trigger runs `audit_append` for it while the COMMIT is
 * processed and removes the staged row. One company's writers then queue on the head only for the
 * append itself and the WAL flush: no round trip to the application, however busy, happens while the
 * lock is held. The events, their order, times and hashes are exactly what `audit_append` stored
 * before; several events of one transaction are appended in the order they were staged.
 *
 * UNLOGGED: a staged row never outlives its transaction, so it needs no WAL.
 */
export class AuditAppendAtCommit1764103000000 implements MigrationInterface {
  name = 'AuditAppendAtCommit1764103000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE UNLOGGED TABLE audit_pending (
        id uuid PRIMARY KEY,
        company_id uuid NOT NULL,
        genesis_hash text NOT NULL,
        actor_type text NOT NULL,
        actor_id text,
        actor_name text,
        actor_public_id text,
        ip text,
        user_agent text,
        request_id text,
        action text NOT NULL,
        method text,
        path text,
        resource_type text,
        resource_id text,
        status integer NOT NULL,
        outcome text NOT NULL,
        credits_spent integer NOT NULL,
        idempotency_key text,
        changes text
      ) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000)`);
    await db.query(`
      CREATE FUNCTION audit_append_pending() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM audit_append(${APPEND_ARGUMENTS});
        DELETE FROM audit_pending WHERE id = NEW.id;
        RETURN NULL;
      END
      $$`);
    await db.query(`
      CREATE CONSTRAINT TRIGGER audit_pending_append AFTER INSERT ON audit_pending
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_append_pending()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_pending`);
    await db.query(`DROP FUNCTION audit_append_pending()`);
  }
}
