import type { MigrationInterface, QueryRunner } from 'typeorm';

const APPEND_PARAMETERS = `p_company_id uuid, p_genesis_hash text, p_id text,
        p_actor_type text, p_actor_id text, p_actor_name text, p_actor_public_id text,
        p_ip text, p_user_agent text, p_request_id text, p_action text, p_method text, p_path text,
        p_resource_type text, p_resource_id text, p_status integer, p_outcome text, p_credits_spent integer,
        p_idempotency_key text, p_changes text`;

export const APPEND_SIGNATURE = 'uuid, text, text, text, text, text, text, text, text, text, text, text, text, text, text, integer, text, integer, text, text';

const APPEND_ARGUMENTS = `NEW.company_id, NEW.genesis_hash, NEW.id::text, NEW.actor_type, NEW.actor_id, NEW.actor_name,
  NEW.actor_public_id, NEW.ip, NEW.user_agent, NEW.request_id, NEW.action, NEW.method, NEW.path, NEW.resource_type,
  NEW.resource_id, NEW.status, NEW.outcome, NEW.credits_spent, NEW.idempotency_key, NEW.changes`;

/** Locks the head the new way: the company row FOR KEY SHARE, then the head FOR UPDATE (made at the company's first event). */
export const LOCK_FOR_UPDATE = `
        PERFORM 1 FROM companies c WHERE c.id = p_company_id FOR KEY SHARE;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'audit_append: no company %', p_company_id USING ERRCODE = 'foreign_key_violation';
        END IF;
        SELECT h.seq, h.hash INTO head_seq, head_hash FROM audit_chain_heads h WHERE h.company_id = p_company_id FOR UPDATE;
        IF NOT FOUND THEN
          -- the company's first event: make its head, or wait for the one a concurrent first event made
          INSERT INTO audit_chain_heads (company_id, seq, hash) VALUES (p_company_id, 0, p_genesis_hash) ON CONFLICT (company_id) DO NOTHING;
          SELECT h.seq, h.hash INTO head_seq, head_hash FROM audit_chain_heads h WHERE h.company_id = p_company_id FOR UPDATE;
        END IF;
`;

/** Locks the head as migration 1764102100000 did: an upsert whose DO UPDATE writes a version of the head to lock it. */
const LOCK_BY_UPSERT = `
        INSERT INTO audit_chain_heads AS head (company_id, seq, hash)
          SELECT c.id, 0, p_genesis_hash FROM companies c WHERE c.id = p_company_id FOR KEY SHARE
          ON CONFLICT (company_id) DO UPDATE SET seq = head.seq
          RETURNING head.seq, head.hash INTO head_seq, head_hash;
        IF head_seq IS NULL THEN
          RAISE EXCEPTION 'audit_append: no company %', p_company_id USING ERRCODE = 'foreign_key_violation';
        END IF;
`;

/**
 * An event's canonical JSON (tools/audit-verify/lib/chain.js: its fields in their fixed order, strings
 * escaped as JSON.stringify escapes them) as a SQL expression: `field` gives a stored column's value,
 * `seq` and `occurredAt` the place in the chain.
 */
export function canonicalEventJson(field: (column: string) => string, seq: string, occurredAt: string): string {
  const text = (column: string) => `audit_json_string(${field(column)})`;
  return `'{"id":' || ${text('id')}
          || ',"seq":' || ${seq}
          || ',"occurredAt":"' || to_char(${occurredAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"'
          || ',"companyId":' || audit_json_string(${field('company_id')}::text)
          || ',"actor":{"type":' || ${text('actor_type')}
          || ',"id":' || ${text('actor_id')}
          || ',"name":' || ${text('actor_name')}
          || ',"publicId":' || ${text('actor_public_id')}
          || '},"ip":' || ${text('ip')}
          || ',"userAgent":' || ${text('user_agent')}
          || ',"requestId":' || ${text('request_id')}
          || ',"action":' || ${text('action')}
          || ',"method":' || ${text('method')}
          || ',"path":' || ${text('path')}
          || ',"resourceType":' || ${text('resource_type')}
          || ',"resourceId":' || ${text('resource_id')}
          || ',"status":' || ${field('status')}
          || ',"outcome":' || ${text('outcome')}
          || ',"creditsSpent":' || ${field('credits_spent')}
          || ',"idempotencyKey":' || ${text('idempotency_key')}
          || CASE WHEN ${field('changes')} IS NULL THEN '' ELSE ',"changes":' || ${text('changes')} END
          || '}'`;
}

/** From the locked head: the event's seq and time, its canonical JSON and hash (tools/audit-verify/lib/chain.js), the row, the head moved on. */
const APPEND_AT_HEAD = `
        seq := head_seq + 1;
        occurred_at := date_trunc('milliseconds', clock_timestamp());
        canonical := ${canonicalEventJson((column) => `p_${column}`, 'seq', 'occurred_at')};
        new_hash := encode(sha256(convert_to(canonical || head_hash, 'UTF8')), 'hex');
        INSERT INTO audit_events (id, company_id, seq, occurred_at, actor_type, actor_id, actor_name, actor_public_id,
            ip, user_agent, request_id, action, method, path, resource_type, resource_id, status, outcome,
            credits_spent, idempotency_key, prev_hash, hash, changes)
          VALUES (p_id::uuid, p_company_id, seq, occurred_at, p_actor_type, p_actor_id::uuid, p_actor_name,
            p_actor_public_id, p_ip, p_user_agent, p_request_id, p_action, p_method, p_path, p_resource_type, p_resource_id,
            p_status, p_outcome, p_credits_spent, p_idempotency_key, head_hash, new_hash, p_changes);
        UPDATE audit_chain_heads SET seq = head_seq + 1, hash = new_hash WHERE company_id = p_company_id;
`;

/** `audit_append` as a scalar function (its seq) or, as migration 1764102100000 made it, a set-returning one (seq, occurred_at). */
export function appendFunction(lock: string, returns: 'seq' | 'table'): string {
  return `
      CREATE FUNCTION audit_append(${APPEND_PARAMETERS})
      RETURNS ${returns === 'seq' ? 'bigint' : 'TABLE (seq bigint, occurred_at timestamptz)'} LANGUAGE plpgsql AS $$
      DECLARE
        head_seq bigint;
        head_hash text;
        new_hash text;
        canonical text;${returns === 'seq' ? `
        seq bigint;
        occurred_at timestamptz;` : ''}
      BEGIN${lock}${APPEND_AT_HEAD}        ${returns === 'seq' ? 'RETURN seq;' : 'RETURN NEXT;'}
      END
      $$`;
}

/** The deferred trigger's function: the staged event appended at COMMIT, then unstaged. */
export const APPEND_PENDING_FUNCTION = `
      CREATE FUNCTION audit_append_pending() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        appended bigint;
      BEGIN
        appended := audit_append(${APPEND_ARGUMENTS});
        DELETE FROM audit_pending WHERE id = NEW.id;
        RETURN NULL;
      END
      $$`;

export const APPEND_PENDING_TRIGGER = `
      CREATE CONSTRAINT TRIGGER audit_pending_append AFTER INSERT ON audit_pending
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_append_pending()`;

/**
 * The audit chain head is locked at COMMIT, not before it, and cheaply (issue #15):
 * - a write stages its event in `audit_pending`; a deferred constraint trigger runs `audit_append` for
 *   it while the COMMIT is processed and removes the staged row. One company's writers then queue on
 *   the head only for the append itself and the WAL flush: no round trip to the application, however
 *   busy, happens while the lock is held. Several events of one transaction are appended in the order
 *   they were staged. UNLOGGED: a staged row never outlives its transaction, so it needs no WAL;
 * - the head is locked with SELECT … FOR UPDATE (after the company row FOR KEY SHARE: the lock order
 *   stays) instead of an upsert whose DO UPDATE wrote a version of the hot row only to lock it: one
 *   version of the head per event instead of two, one run of its forward-only trigger instead of two,
 *   no speculative insertion. Under READ COMMITTED a writer that waited for the lock reads the head as
 *   the writer before it committed it, as the upsert did;
 * - `audit_append` returns the event's seq instead of a set, so the trigger calls it as a plpgsql
 *   simple expression (evaluated directly) rather than a query through SPI;
 * - `audit_json_string` was declared IMMUTABLE around the STABLE `to_json`, so PostgreSQL did not inline
 *   it and each of its 16 calls per event ran as a SQL function parsed and planned in every transaction
 *   (plpgsql keeps its simple expressions' state per transaction). Declared STABLE, as its body is, it
 *   is inlined into the caller's cached plan.
 * The events, their times and hashes are what migration 1764102100000's `audit_append` stored
 * (test/audit/audit-append.spec.ts).
 */
export class AuditAppendAtCommit1764103000000 implements MigrationInterface {
  name = 'AuditAppendAtCommit1764103000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER FUNCTION audit_json_string(text) STABLE`);
    await db.query(`DROP FUNCTION audit_append(${APPEND_SIGNATURE})`);
    await db.query(appendFunction(LOCK_FOR_UPDATE, 'seq'));
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
    await db.query(APPEND_PENDING_FUNCTION);
    await db.query(APPEND_PENDING_TRIGGER);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_pending`);
    await db.query(`DROP FUNCTION audit_append_pending()`);
    // audit_append as migration 1764102100000 made it
    await db.query(`DROP FUNCTION audit_append(${APPEND_SIGNATURE})`);
    await db.query(appendFunction(LOCK_BY_UPSERT, 'table'));
    await db.query(`ALTER FUNCTION audit_json_string(text) IMMUTABLE`);
  }
}
