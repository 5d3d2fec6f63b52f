import type { ActorType, AuditOutcome, ChainedEvent } from './audit-chain.js';

/**
 * The log read as plain rows (no entity hydration): what export and verify stream. The column list
 * and `chainedOfRow` must name every field `canonicalEvent` covers.
 */
export const AUDIT_ROW_COLUMNS = `id, seq, occurred_at, company_id, actor_type, actor_id, actor_name, actor_public_id, ip,
  user_agent, request_id, action, method, path, resource_type, resource_id, status, outcome, credits_spent,
  idempotency_key, prev_hash, hash, changes`;

export interface AuditRow {
  id: string;
  seq: string;
  occurred_at: Date;
  company_id: string;
  actor_type: ActorType;
  actor_id: string | null;
  actor_name: string | null;
  actor_public_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string;
  action: string;
  method: string;
  path: string;
  resource_type: string | null;
  resource_id: string | null;
  status: number;
  outcome: AuditOutcome;
  credits_spent: number;
  idempotency_key: string | null;
  prev_hash: string;
  hash: string;
  changes: string | null;
}

/** A stored row as the hash chain sees it. */
export function chainedOfRow(row: AuditRow): ChainedEvent {
  return {
    id: row.id,
    seq: Number(row.seq),
    occurredAt: row.occurred_at,
    companyId: row.company_id,
    actor: { type: row.actor_type, id: row.actor_id, name: row.actor_name, publicId: row.actor_public_id },
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    action: row.action,
    method: row.method,
    path: row.path,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    status: row.status,
    outcome: row.outcome,
    creditsSpent: row.credits_spent,
    idempotencyKey: row.idempotency_key,
    changes: row.changes,
  };
}
