import { createHash } from 'node:crypto';

/** The `prevHash` of a company's first event. */
export const GENESIS_HASH = '0'.repeat(64);

export type ActorType = 'user' | 'api_key';
export type AuditOutcome = 'success' | 'denied' | 'error';
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['success', 'denied', 'error'];

export interface AuditActor {
  type: ActorType;
  id: string | null;
  name: string | null;
  publicId: string | null;
}

/** What is recorded about one call, before it is placed in its company's chain. */
export interface AuditDraft {
  companyId: string;
  actor: AuditActor;
  ip: string | null;
  userAgent: string | null;
  requestId: string;
  action: string;
  method: string;
  path: string;
  resourceType: string | null;
  resourceId: string | null;
  status: number;
  outcome: AuditOutcome;
  creditsSpent: number;
  idempotencyKey: string | null;
  /** `{field: {from, to}}` as JSON text, exactly as stored and hashed; null when nothing changed. */
  changes?: string | null;
}

/** A draft placed in the chain: every field the hash covers. */
export interface ChainedEvent extends AuditDraft {
  id: string;
  seq: number;
  occurredAt: Date;
}

/**
 * The canonical form the hash covers: JSON of the event's fields in this fixed order, nulls spelled
 * out, `occurredAt` as ISO 8601 with milliseconds. Changing this order breaks every existing chain.
 *
 * `changes` (added in contract 1.1) is appended as the LAST property, and only when it is not null,
 * as a JSON *string* holding the stored text verbatim (`"changes":"{\"role\":{…}}"`), never re-parsed
 * or re-ordered. An event without changes therefore hashes exactly as every event written before 1.1
 * did, and old chains still verify. An offline verifier must do the same: omit the key when `changes`
 * is null or absent, else add `changes: <stored text as a string>` after `idempotencyKey`.
 */
export function canonicalEvent(event: ChainedEvent): string {
  return JSON.stringify({
    id: event.id,
    seq: event.seq,
    occurredAt: event.occurredAt.toISOString(),
    companyId: event.companyId,
    actor: { type: event.actor.type, id: event.actor.id, name: event.actor.name, publicId: event.actor.publicId },
    ip: event.ip,
    userAgent: event.userAgent,
    requestId: event.requestId,
    action: event.action,
    method: event.method,
    path: event.path,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    status: event.status,
    outcome: event.outcome,
    creditsSpent: event.creditsSpent,
    idempotencyKey: event.idempotencyKey,
    ...(event.changes != null ? { changes: event.changes } : {}),
  });
}

/** `hash = SHA-256(canonicalEvent + prevHash)`, lowercase hex. */
export function chainHash(event: ChainedEvent, prevHash: string): string {
  return createHash('sha256').update(canonicalEvent(event)).update(prevHash).digest('hex');
}
