// The audit hash chain, shared by the Fleetgate server and the offline verifier: one copy, no dependencies.
import * as crypto from 'node:crypto';

/** The `prevHash` of a company's first event (seq 1). */
export const GENESIS_HASH = '0'.repeat(64);

// crypto.hash (Node >= 20.12) is a one-shot digest, much cheaper than createHash for short inputs.
const sha256Hex = (text) => crypto.hash('sha256', text, 'hex');

/**
 * The canonical form the hash covers: JSON.stringify of the event's fields in this fixed order, nulls
 * spelled out, `occurredAt` as ISO 8601 with milliseconds in UTC (a Date is converted with toISOString;
 * a string, as an export carries it, is used exactly as given). A missing actor.publicId counts as null
 * (exports omit it for non-key actors). Changing this order breaks every existing chain.
 *
 * `changes` (contract 1.1) is appended as the LAST property, and only when it is not null, as a JSON
 * *string* holding the stored text verbatim (`"changes":"{\"role\":{…}}"`), never re-parsed or
 * re-ordered. An event without changes hashes exactly as every event written before 1.1 did. An
 * export carries `changes` parsed; it is hashed as `JSON.stringify` of it, which is the stored text
 * (the server stores exactly JSON.stringify of the changes object).
 */
export function canonicalEvent(event) {
  const actor = event.actor;
  return JSON.stringify({
    id: event.id,
    seq: event.seq,
    occurredAt: typeof event.occurredAt === 'string' ? event.occurredAt : event.occurredAt.toISOString(),
    companyId: event.companyId,
    actor: { type: actor.type, id: actor.id, name: actor.name, publicId: actor.publicId ?? null },
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
    ...(event.changes != null ? { changes: typeof event.changes === 'string' ? event.changes : JSON.stringify(event.changes) } : {}),
  });
}

/** `hash = SHA-256(UTF-8(canonicalEvent(event) + prevHash))`, lowercase hex. */
export function chainHash(event, prevHash) {
  return sha256Hex(canonicalEvent(event) + prevHash);
}
