import type { CanonicalEventInput } from '#audit-verify/chain.js';
import type { ActorType, AuditOutcome } from './audit-chain.js';
import { isoTimestampSql } from '../platform/database/iso-timestamp.js';
import { csvFieldSql } from './csv.js';

/**
 * The log as a chain-order scan (export, verify) reads it: each row an array of its columns' text, in
 * this order, straight from the driver (no type parsing, no entity, no object per row). The column list
 * and `chainedOfRow` must name every field `canonicalEvent` covers.
 */
export const AUDIT_ROW_COLUMNS = `id, seq, ${isoTimestampSql('occurred_at')} AS occurred_at,
  company_id, actor_type, actor_id, actor_name, actor_public_id, ip, user_agent, request_id, action, method, path, resource_type,
  resource_id, status, outcome, credits_spent, idempotency_key, prev_hash, hash, changes`;

export type AuditRow = [
  id: string, seq: string, occurredAt: string, companyId: string, actorType: ActorType, actorId: string | null,
  actorName: string | null, actorPublicId: string | null, ip: string | null, userAgent: string | null, requestId: string,
  action: string, method: string, path: string, resourceType: string | null, resourceId: string | null, status: string,
  outcome: AuditOutcome, creditsSpent: string, idempotencyKey: string | null, prevHash: string, hash: string, changes: string | null,
];

/** Where each column stands in an AuditRow. */
export const COL = {
  id: 0, seq: 1, occurredAt: 2, companyId: 3, actorType: 4, actorId: 5, actorName: 6, actorPublicId: 7, ip: 8, userAgent: 9,
  requestId: 10, action: 11, method: 12, path: 13, resourceType: 14, resourceId: 15, status: 16, outcome: 17, creditsSpent: 18,
  idempotencyKey: 19, prevHash: 20, hash: 21, changes: 22,
} as const;

/** A stored row as the hash chain sees it. */
export function chainedOfRow(row: AuditRow): CanonicalEventInput {
  return {
    id: row[COL.id],
    seq: Number(row[COL.seq]),
    occurredAt: row[COL.occurredAt],
    companyId: row[COL.companyId],
    actor: { type: row[COL.actorType], id: row[COL.actorId], name: row[COL.actorName], publicId: row[COL.actorPublicId] },
    ip: row[COL.ip],
    userAgent: row[COL.userAgent],
    requestId: row[COL.requestId],
    action: row[COL.action],
    method: row[COL.method],
    path: row[COL.path],
    resourceType: row[COL.resourceType],
    resourceId: row[COL.resourceId],
    status: Number(row[COL.status]),
    outcome: row[COL.outcome],
    creditsSpent: Number(row[COL.creditsSpent]),
    idempotencyKey: row[COL.idempotencyKey],
    changes: row[COL.changes],
  };
}

/**
 * The export's CSV record as `COPY … (FORMAT csv)` writes it from these columns: COPY quotes a field
 * with a comma, quote or line break as RFC 4180 and `csvField` do (`csvFieldSql`), and ends the record with LF
 * (`crlfRecords` makes it CRLF). Ids, numbers, enums, hashes and the formatted instant need neither.
 */
export const AUDIT_CSV_COLUMNS = `id, seq, ${isoTimestampSql('occurred_at')}, company_id, actor_type, actor_id, ${
  ['actor_name', 'actor_public_id', 'ip', 'user_agent', 'request_id', 'action', 'method', 'path', 'resource_type', 'resource_id']
    .map(csvFieldSql).join(', ')}, status, outcome, credits_spent, ${csvFieldSql('idempotency_key')}, prev_hash, hash, ${csvFieldSql('changes')}`;

/**
 * The export's NDJSON line as one text column: the contract's event (as GET /v1/audit-logs/{id}
 * answers it) in a fixed key order. Strings go through `audit_json_string` (to_json: the escapes
 * JSON.stringify writes, which the chain's canonical JSON already relies on); `changes` is the stored
 * JSON text itself (the service stores exactly JSON.stringify of the object). One `concat` builds the
 * line once, where a chain of `||` copied the growing line at each of its ~50 steps: an eighth of the
 * database's time per line.
 */
export const AUDIT_NDJSON_LINE = `concat('{"id":"', id, '","seq":', seq, ',"occurredAt":"', ${isoTimestampSql('occurred_at')},
  '","companyId":"', company_id, '","actor":{"type":"', actor_type, '","id":', audit_json_string(actor_id::text),
  ',"name":', audit_json_string(actor_name),
  CASE WHEN actor_public_id IS NULL THEN '' ELSE ',"publicId":' || audit_json_string(actor_public_id) END,
  '},"ip":', audit_json_string(ip), ',"userAgent":', audit_json_string(user_agent),
  ',"requestId":', audit_json_string(request_id), ',"action":', audit_json_string(action),
  ',"method":', audit_json_string(method), ',"path":', audit_json_string(path),
  ',"resourceType":', audit_json_string(resource_type), ',"resourceId":', audit_json_string(resource_id),
  ',"status":', status, ',"outcome":"', outcome, '","creditsSpent":', credits_spent,
  ',"idempotencyKey":', audit_json_string(idempotency_key), ',"changes":', coalesce(changes, 'null'),
  ',"prevHash":"', prev_hash, '","hash":"', hash, '"}')`;

/** Where an NDJSON line's seq starts: after `{"id":"`, the 36 characters of the id and `","seq":`. */
export const NDJSON_SEQ_OFFSET = '{"id":"'.length + 36 + '","seq":'.length;
