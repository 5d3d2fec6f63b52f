import type { MigrationInterface, QueryRunner } from 'typeorm';
import { FORWARD_ONE_STEP, headForwardOnlyFunction } from './1763871900000-audit-guard.js';
import { APPEND_PENDING_FUNCTION, APPEND_PENDING_TRIGGER, canonicalEventJson } from './1764103000000-audit-append-at-commit.js';

/** The most events one call chains: a backlog (a sweep after a crash) is taken in transactions of this size. */
export const CHAIN_BATCH = 1000;

/** Forward to an event that is in the chain: any number of seqs, but only onto a stored event, its hash and all. */
const FORWARD_TO_AN_EVENT = `NEW.seq > OLD.seq
             AND EXISTS (SELECT 1 FROM audit_events e WHERE e.company_id = NEW.company_id AND e.seq = NEW.seq AND e.hash = NEW.hash)`;

/**
 * A company's events are chained after their writes commit, many in one transaction (issue #15).
 *
 * Appending each event inside its write's COMMIT made one company's writers take turns on the chain
 * head through every COMMIT's WAL flush, and each append ran its five statements for one event. Measured
 * on the database alone (`npm run bench:audit-db`, pgbench, 10 clients, one company): 563–718 audited
 * vehicle writes/s at 1,783–2,326 µs of database CPU each, against 3,273–3,679/s at 404–474 µs without
 * the event. Staged in the write and chained by one caller at a time, many per call: 1,795–2,135/s at
 * 792–948 µs.
 *
 * - `audit_pending` now outlives the write that staged the event, so it is logged: a committed write's
 *   event is as durable as the write. `staged` orders a company's events as they were staged; the
 *   company is checked when the event is staged, so the write fails, not a later chaining.
 * - `audit_chain_pending(company)` locks the company's head (FOR UPDATE, making it at the company's first
 *   event), takes the company's committed staged events in `staged` order (at most CHAIN_BATCH), and
 *   stores each at the next seq, timed by the database's clock once the head is held, with the hash of
 *   tools/audit-verify/lib/chain.js; then removes them from `audit_pending` and moves the head once. It
 *   answers how many it chained; with nothing staged it locks nothing. The service calls it after each
 *   write's COMMIT and answers the write once its event is chained (AuditChainer), and sweeps for events
 *   a stopped instance left staged.
 * - The head's guard lets it move forward by several seqs, onto an event that is stored with that seq
 *   and hash (it used to allow one step with any hash); it still refuses any move back, a delete and a
 *   truncate.
 * `audit_append` stays as it is (one event, inside the caller's transaction).
 */
export class AuditChainedAfterCommit1764103500000 implements MigrationInterface {
  name = 'AuditChainedAfterCommit1764103500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER audit_pending_append ON audit_pending`);
    await db.query(`DROP FUNCTION audit_append_pending()`);
    await db.query(`ALTER TABLE audit_pending SET LOGGED`);
    await db.query(`ALTER TABLE audit_pending ADD COLUMN staged bigint GENERATED ALWAYS AS IDENTITY`);
    await db.query(`CREATE INDEX audit_pending_company_staged ON audit_pending (company_id, staged)`);
    await db.query(`
      CREATE TRIGGER audit_pending_company_exists BEFORE INSERT OR UPDATE OF company_id ON audit_pending
        FOR EACH ROW EXECUTE FUNCTION company_reference_check()`);
    await db.query(headForwardOnlyFunction('CREATE OR REPLACE', FORWARD_TO_AN_EVENT));
    await db.query(`
      CREATE FUNCTION audit_chain_pending(p_company_id uuid) RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        head_seq bigint;
        head_hash text;
        occurred_at timestamptz;
        event audit_pending;
        ids uuid[] := '{}';
        seqs bigint[] := '{}';
        times timestamptz[] := '{}';
        prev_hashes text[] := '{}';
        hashes text[] := '{}';
      BEGIN
        SELECT p.* INTO event FROM audit_pending p WHERE p.company_id = p_company_id ORDER BY p.staged LIMIT 1;
        IF NOT FOUND THEN
          RETURN 0;
        END IF;
        SELECT h.seq, h.hash INTO head_seq, head_hash FROM audit_chain_heads h WHERE h.company_id = p_company_id FOR UPDATE;
        IF NOT FOUND THEN
          -- the company's first event: make its head, or wait for the one a concurrent caller made
          INSERT INTO audit_chain_heads (company_id, seq, hash) VALUES (p_company_id, 0, event.genesis_hash) ON CONFLICT (company_id) DO NOTHING;
          SELECT h.seq, h.hash INTO head_seq, head_hash FROM audit_chain_heads h WHERE h.company_id = p_company_id FOR UPDATE;
        END IF;
        -- read after the head is held: every event a caller before this one chained is gone from here
        FOR event IN SELECT p.* FROM audit_pending p WHERE p.company_id = p_company_id ORDER BY p.staged LIMIT ${CHAIN_BATCH} LOOP
          occurred_at := date_trunc('milliseconds', clock_timestamp());
          ids := ids || event.id;
          seqs := seqs || (head_seq + 1);
          times := times || occurred_at;
          prev_hashes := prev_hashes || head_hash;
          head_hash := encode(sha256(convert_to(
            ${canonicalEventJson((column) => (column === 'id' ? 'event.id::text' : `event.${column}`), 'head_seq + 1', 'occurred_at')}
            || head_hash, 'UTF8')), 'hex');
          hashes := hashes || head_hash;
          head_seq := head_seq + 1;
        END LOOP;
        IF cardinality(ids) = 0 THEN
          RETURN 0;
        END IF;
        INSERT INTO audit_events (id, company_id, seq, occurred_at, actor_type, actor_id, actor_name, actor_public_id,
            ip, user_agent, request_id, action, method, path, resource_type, resource_id, status, outcome,
            credits_spent, idempotency_key, prev_hash, hash, changes)
          SELECT p.id, p.company_id, c.seq, c.occurred_at, p.actor_type, p.actor_id::uuid, p.actor_name, p.actor_public_id,
              p.ip, p.user_agent, p.request_id, p.action, p.method, p.path, p.resource_type, p.resource_id, p.status, p.outcome,
              p.credits_spent, p.idempotency_key, c.prev_hash, c.hash, p.changes
            FROM unnest(ids, seqs, times, prev_hashes, hashes) AS c (id, seq, occurred_at, prev_hash, hash)
            JOIN audit_pending p ON p.id = c.id
           ORDER BY c.seq;
        DELETE FROM audit_pending p WHERE p.id = ANY (ids);
        UPDATE audit_chain_heads SET seq = head_seq, hash = head_hash WHERE company_id = p_company_id;
        RETURN cardinality(ids);
      END
      $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION audit_chain_pending(uuid)`);
    await db.query(headForwardOnlyFunction('CREATE OR REPLACE', FORWARD_ONE_STEP));
    await db.query(`DROP TRIGGER audit_pending_company_exists ON audit_pending`);
    await db.query(`ALTER TABLE audit_pending DROP COLUMN staged`);
    await db.query(`ALTER TABLE audit_pending SET UNLOGGED`);
    await db.query(APPEND_PENDING_FUNCTION);
    await db.query(APPEND_PENDING_TRIGGER);
  }
}
