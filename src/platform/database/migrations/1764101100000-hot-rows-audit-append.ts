import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Performance of writes (issue #15), with no change of what is stored:
 * 1. the rows every write of a company updates (`companies`: the credit balance; `audit_chain_heads`:
 *    the chain head) get room on their page for the next version (fillfactor, so an update stays on
 *    the page) and are vacuumed after a fixed number of dead versions, not a share of a tiny table
 *    (a primary-key lookup of a bloated company row took 1 ms);
 * 2. `audit_append` places an event in its company's chain in ONE round trip: it locks the head
 *    (company row first, FOR KEY SHARE, as AuditChainWriter always did), computes the same hash as
 *    tools/audit-verify/lib/chain.js — SHA-256 of the canonical JSON (fields in its fixed order,
 *    strings escaped as JSON.stringify escapes them) followed by the previous hash — inserts the event
 *    and moves the head. The chain lock is then held for one statement instead of two round trips.
 *    Text parameters are hashed exactly as given and cast only for storage.
 */
export class HotRowsAuditAppend1764101100000 implements MigrationInterface {
  name = 'HotRowsAuditAppend1764101100000';

  async up(db: QueryRunner): Promise<void> {
    for (const table of ['companies', 'audit_chain_heads']) {
      await db.query(`
        ALTER TABLE ${table} SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 200,
          autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 500, autovacuum_vacuum_cost_delay = 0)`);
    }
    await db.query(`
      CREATE FUNCTION audit_json_string(value text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT coalesce(to_json(value)::text, 'null')
      $$`);
    await db.query(`
      CREATE FUNCTION audit_append(
        p_company_id uuid, p_genesis_hash text, p_id text, p_occurred_at text,
        p_actor_type text, p_actor_id text, p_actor_name text, p_actor_public_id text,
        p_ip text, p_user_agent text, p_request_id text, p_action text, p_method text, p_path text,
        p_resource_type text, p_resource_id text, p_status integer, p_outcome text, p_credits_spent integer,
        p_idempotency_key text, p_changes text)
      RETURNS TABLE (seq bigint, prev_hash text, hash text) LANGUAGE plpgsql AS $$
      DECLARE
        head_seq bigint;
        head_hash text;
        canonical text;
      BEGIN
        INSERT INTO audit_chain_heads AS head (company_id, seq, hash)
          SELECT c.id, 0, p_genesis_hash FROM companies c WHERE c.id = p_company_id FOR KEY SHARE
          ON CONFLICT (company_id) DO UPDATE SET seq = head.seq
          RETURNING head.seq, head.hash INTO head_seq, head_hash;
        IF head_seq IS NULL THEN
          RAISE EXCEPTION 'audit_append: no company %', p_company_id USING ERRCODE = 'foreign_key_violation';
        END IF;
        seq := head_seq + 1;
        prev_hash := head_hash;
        canonical := '{"id":' || audit_json_string(p_id)
          || ',"seq":' || seq
          || ',"occurredAt":' || audit_json_string(p_occurred_at)
          || ',"companyId":' || audit_json_string(p_company_id::text)
          || ',"actor":{"type":' || audit_json_string(p_actor_type)
          || ',"id":' || audit_json_string(p_actor_id)
          || ',"name":' || audit_json_string(p_actor_name)
          || ',"publicId":' || audit_json_string(p_actor_public_id)
          || '},"ip":' || audit_json_string(p_ip)
          || ',"userAgent":' || audit_json_string(p_user_agent)
          || ',"requestId":' || audit_json_string(p_request_id)
          || ',"action":' || audit_json_string(p_action)
          || ',"method":' || audit_json_string(p_method)
          || ',"path":' || audit_json_string(p_path)
          || ',"resourceType":' || audit_json_string(p_resource_type)
          || ',"resourceId":' || audit_json_string(p_resource_id)
          || ',"status":' || p_status
          || ',"outcome":' || audit_json_string(p_outcome)
          || ',"creditsSpent":' || p_credits_spent
          || ',"idempotencyKey":' || audit_json_string(p_idempotency_key)
          || CASE WHEN p_changes IS NULL THEN '' ELSE ',"changes":' || audit_json_string(p_changes) END
          || '}';
        hash := encode(sha256(convert_to(canonical || head_hash, 'UTF8')), 'hex');
        INSERT INTO audit_events (id, company_id, seq, occurred_at, actor_type, actor_id, actor_name, actor_public_id,
            ip, user_agent, request_id, action, method, path, resource_type, resource_id, status, outcome,
            credits_spent, idempotency_key, prev_hash, hash, changes)
          VALUES (p_id::uuid, p_company_id, seq, p_occurred_at::timestamptz, p_actor_type, p_actor_id::uuid, p_actor_name,
            p_actor_public_id, p_ip, p_user_agent, p_request_id, p_action, p_method, p_path, p_resource_type, p_resource_id,
            p_status, p_outcome, p_credits_spent, p_idempotency_key, head_hash, hash, p_changes);
        UPDATE audit_chain_heads SET seq = audit_append.seq, hash = audit_append.hash WHERE company_id = p_company_id;
        RETURN NEXT;
      END
      $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION audit_append(uuid, text, text, text, text, text, text, text, text, text, text, text, text, text, text, text, integer, text, integer, text, text)`);
    await db.query(`DROP FUNCTION audit_json_string(text)`);
    for (const table of ['companies', 'audit_chain_heads']) {
      await db.query(`ALTER TABLE ${table} RESET (fillfactor, autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold,
        autovacuum_analyze_scale_factor, autovacuum_analyze_threshold, autovacuum_vacuum_cost_delay)`);
    }
  }
}
