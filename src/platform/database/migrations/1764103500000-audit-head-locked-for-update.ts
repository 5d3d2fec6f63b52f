import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit_append` locks the chain head with SELECT … FOR UPDATE (the company row FOR KEY SHARE before
 * it, as before) instead of an upsert whose DO UPDATE wrote a new version of the head only to lock it:
 * one version of the hot row per event instead of two, one run of its forward-only trigger instead of
 * two, and no speculative insertion. Under READ COMMITTED a writer that waited for the lock reads the
 * head as the previous writer committed it, as the upsert did. A company's first event makes the head
 * (a concurrent first event's insert does nothing and locks the one made). Issue #15: the database CPU
 * of every audited write.
 */
export class AuditHeadLockedForUpdate1764103500000 implements MigrationInterface {
  name = 'AuditHeadLockedForUpdate1764103500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE OR REPLACE FUNCTION audit_append(
        p_company_id uuid, p_genesis_hash text, p_id text,
        p_actor_type text, p_actor_id text, p_actor_name text, p_actor_public_id text,
        p_ip text, p_user_agent text, p_request_id text, p_action text, p_method text, p_path text,
        p_resource_type text, p_resource_id text, p_status integer, p_outcome text, p_credits_spent integer,
        p_idempotency_key text, p_changes text)
      RETURNS TABLE (seq bigint, occurred_at timestamptz) LANGUAGE plpgsql AS $$
      DECLARE
        head_seq bigint;
        head_hash text;
        new_hash text;
        canonical text;
      BEGIN
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
        seq := head_seq + 1;
        occurred_at := date_trunc('milliseconds', clock_timestamp());
        canonical := '{"id":' || audit_json_string(p_id)
          || ',"seq":' || seq
          || ',"occurredAt":"' || to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"'
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
        new_hash := encode(sha256(convert_to(canonical || head_hash, 'UTF8')), 'hex');
        INSERT INTO audit_events (id, company_id, seq, occurred_at, actor_type, actor_id, actor_name, actor_public_id,
            ip, user_agent, request_id, action, method, path, resource_type, resource_id, status, outcome,
            credits_spent, idempotency_key, prev_hash, hash, changes)
          VALUES (p_id::uuid, p_company_id, seq, occurred_at, p_actor_type, p_actor_id::uuid, p_actor_name,
            p_actor_public_id, p_ip, p_user_agent, p_request_id, p_action, p_method, p_path, p_resource_type, p_resource_id,
            p_status, p_outcome, p_credits_spent, p_idempotency_key, head_hash, new_hash, p_changes);
        UPDATE audit_chain_heads SET seq = audit_append.seq, hash = new_hash WHERE company_id = p_company_id;
        RETURN NEXT;
      END
      $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    // as migration 1764102100000 made it
    await db.query(`
      CREATE OR REPLACE FUNCTION audit_append(
        p_company_id uuid, p_genesis_hash text, p_id text,
        p_actor_type text, p_actor_id text, p_actor_name text, p_actor_public_id text,
        p_ip text, p_user_agent text, p_request_id text, p_action text, p_method text, p_path text,
        p_resource_type text, p_resource_id text, p_status integer, p_outcome text, p_credits_spent integer,
        p_idempotency_key text, p_changes text)
      RETURNS TABLE (seq bigint, occurred_at timestamptz) LANGUAGE plpgsql AS $$
      DECLARE
        head_seq bigint;
        head_hash text;
        new_hash text;
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
        occurred_at := date_trunc('milliseconds', clock_timestamp());
        canonical := '{"id":' || audit_json_string(p_id)
          || ',"seq":' || seq
          || ',"occurredAt":"' || to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"'
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
        new_hash := encode(sha256(convert_to(canonical || head_hash, 'UTF8')), 'hex');
        INSERT INTO audit_events (id, company_id, seq, occurred_at, actor_type, actor_id, actor_name, actor_public_id,
            ip, user_agent, request_id, action, method, path, resource_type, resource_id, status, outcome,
            credits_spent, idempotency_key, prev_hash, hash, changes)
          VALUES (p_id::uuid, p_company_id, seq, occurred_at, p_actor_type, p_actor_id::uuid, p_actor_name,
            p_actor_public_id, p_ip, p_user_agent, p_request_id, p_action, p_method, p_path, p_resource_type, p_resource_id,
            p_status, p_outcome, p_credits_spent, p_idempotency_key, head_hash, new_hash, p_changes);
        UPDATE audit_chain_heads SET seq = audit_append.seq, hash = new_hash WHERE company_id = p_company_id;
        RETURN NEXT;
      END
      $$`);
  }
}
