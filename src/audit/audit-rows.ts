import type { CanonicalEventInput } from '#audit-verify/chain.js';
import type { ActorType, AuditOutcome } from './audit-chain.js';
import { isoTimestampSql } from '../platform/database/iso-timestamp.js';
import { csvField } from './csv.js';

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

/** A JSON string, or null. */
const json = (value: string | null): string => (value === null ? 'null' : JSON.stringify(value));

/**
 * One NDJSON export line: the contract's event (as GET /v1/audit-logs/{id} answers it) in a fixed key
 * order, written straight from the row's text. Ids, hashes, numbers, enums and the formatted instant
 * need no escaping; `changes` is the stored JSON text itself (the service stores exactly JSON.stringify
 * of the object: the text a parse and stringify would give).
 */
export function eventJsonLine(row: AuditRow): string {
  const publicId = row[COL.actorPublicId];
  return `{"id":"${row[COL.id]}","seq":${row[COL.seq]},"occurredAt":"${row[COL.occurredAt]}","companyId":"${row[COL.companyId]}",` +
    `"actor":{"type":"${row[COL.actorType]}","id":${json(row[COL.actorId])},"name":${json(row[COL.actorName])}${
      publicId === null ? '' : `,"publicId":${json(publicId)}`}},` +
    `"ip":${json(row[COL.ip])},"userAgent":${json(row[COL.userAgent])},"requestId":${json(row[COL.requestId])},` +
    `"action":${json(row[COL.action])},"method":${json(row[COL.method])},"path":${json(row[COL.path])},` +
    `"resourceType":${json(row[COL.resourceType])},"resourceId":${json(row[COL.resourceId])},"status":${row[COL.status]},` +
    `"outcome":"${row[COL.outcome]}","creditsSpent":${row[COL.creditsSpent]},"idempotencyKey":${json(row[COL.idempotencyKey])},` +
    `"changes":${row[COL.changes] ?? 'null'},"prevHash":"${row[COL.prevHash]}","hash":"${row[COL.hash]}"}\n`;
}

/** One CSV export record, the columns of the export's header row (formula-safe RFC 4180 fields). */
export function eventCsvRecord(row: AuditRow): string {
  return `${row[COL.id]},${row[COL.seq]},${row[COL.occurredAt]},${row[COL.companyId]},${row[COL.actorType]},${csvField(row[COL.actorId])},${
    csvField(row[COL.actorName])},${csvField(row[COL.actorPublicId])},${csvField(row[COL.ip])},${csvField(row[COL.userAgent])},${
    csvField(row[COL.requestId])},${csvField(row[COL.action])},${csvField(row[COL.method])},${csvField(row[COL.path])},${
    csvField(row[COL.resourceType])},${csvField(row[COL.resourceId])},${row[COL.status]},${row[COL.outcome]},${row[COL.creditsSpent]},${
    csvField(row[COL.idempotencyKey])},${row[COL.prevHash]},${row[COL.hash]},${csvField(row[COL.changes])}\r\n`;
}
