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
 */
export function canonicalEvent(event) {
  try {
    return canonicalFast(event);
  } catch (error) {
    if (error !== NOT_PLAIN) throw error;
    return canonicalReference(event);
  }
}

/** The definition: one JSON.stringify of the fields in chain order. */
function canonicalReference(event) {
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
  });
}

// The same bytes about 25% faster (the verifier's hot path): strings JSON.stringify would copy unchanged
// between quotes (no quote, backslash, control character or surrogate) are concatenated directly. Any
// value that is not a string, a finite number or null (undefined, an object…) falls back to the definition.
const NOT_PLAIN = Symbol('not plain');
// eslint-disable-next-line no-control-regex -- exactly the characters JSON.stringify escapes
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

function json(value) {
  if (typeof value === 'string') return PLAIN.test(value) ? `"${value}"` : JSON.stringify(value);
  if (value === null) return 'null';
  if (typeof value === 'number' && Number.isFinite(value)) return JSON.stringify(value);
  throw NOT_PLAIN;
}

function canonicalFast(event) {
  const actor = event.actor;
  const occurredAt = typeof event.occurredAt === 'string' ? event.occurredAt : event.occurredAt.toISOString();
  return `{"id":${json(event.id)},"seq":${json(event.seq)},"occurredAt":${json(occurredAt)},"companyId":${json(event.companyId)},`
    + `"actor":{"type":${json(actor.type)},"id":${json(actor.id)},"name":${json(actor.name)},"publicId":${json(actor.publicId ?? null)}},`
    + `"ip":${json(event.ip)},"userAgent":${json(event.userAgent)},"requestId":${json(event.requestId)},"action":${json(event.action)},`
    + `"method":${json(event.method)},"path":${json(event.path)},"resourceType":${json(event.resourceType)},`
    + `"resourceId":${json(event.resourceId)},"status":${json(event.status)},"outcome":${json(event.outcome)},`
    + `"creditsSpent":${json(event.creditsSpent)},"idempotencyKey":${json(event.idempotencyKey)}}`;
}

/** `hash = SHA-256(UTF-8(canonicalEvent(event) + prevHash))`, lowercase hex. */
export function chainHash(event, prevHash) {
  return sha256Hex(canonicalEvent(event) + prevHash);
}
