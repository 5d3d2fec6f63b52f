import { chainHash, GENESIS_HASH } from '../../src/audit/audit-chain.js';
import { type AuditEvent, toChained } from '../../src/audit/audit-event.entity.js';
import { AuditEventResponse } from '../../src/audit/dto/audit-event.dto.js';
import type { Checkpoint } from '../../src/audit/checkpoints/checkpoint-signature.js';

/** A small deterministic PRNG (mulberry32): the same seed gives the same events on every run. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(next: () => number, length: number): string {
  let text = '';
  while (text.length < length) text += Math.floor(next() * 2 ** 32).toString(16).padStart(8, '0');
  return text.slice(0, length);
}
const uuid = (next: () => number) => `${hex(next, 8)}-${hex(next, 4)}-7${hex(next, 3)}-8${hex(next, 3)}-${hex(next, 12)}`;
const pick = <T>(next: () => number, values: readonly T[]): T => values[Math.floor(next() * values.length)];

// names and agents a real log holds: quotes, commas, accents, emoji, a line separator, control characters
const NAMES = ['Olive Owner', 'Bench, "Owner"', 'Zoë Ægir', 'Ops 🚐 bot', 'back\\slash', 'tab\tand\nnewline', 'para\u2028sep', null] as const;
const AGENTS = ['fleet-cli/2.1', 'Mozilla/5.0 (X11; Linux x86_64)', 'curl/8.5.0', null] as const;
const ACTIONS = [
  ['vehicle.create', 'POST', '/v1/vehicles', 'vehicle', 201],
  ['inspection.create', 'POST', '/v1/inspections', 'inspection', 201],
  ['api_key.revoke', 'POST', '/v1/api-keys/x/revoke', 'api_key', 200],
  ['auth.login_failed', 'POST', '/v1/auth/login', null, 401],
  ['credits.top_up', 'POST', '/v1/credits/top-ups', 'credit_top_up', 402],
] as const;

/**
 * The stored row of event `seq` of a company, fields varied by `next`; hash and prevHash still to fill in.
 * Shaped like the entity, so the export's own mapping (AuditEventResponse.of) serialises it.
 */
export function auditRow(companyId: string, seq: number, next: () => number, start = Date.UTC(2026, 0, 1)): AuditEvent {
  const [action, method, path, resourceType, status] = pick(next, ACTIONS);
  const byKey = next() < 0.5;
  return {
    id: uuid(next),
    companyId,
    seq: String(seq),
    occurredAt: new Date(start + seq * 1000 + Math.floor(next() * 1000)),
    actorType: byKey ? 'api_key' : 'user',
    actorId: next() < 0.9 ? uuid(next) : null,
    actorName: pick(next, NAMES),
    actorPublicId: byKey ? `fg_live_${hex(next, 12)}` : null,
    ip: next() < 0.8 ? `203.0.113.${Math.floor(next() * 255)}` : null,
    userAgent: pick(next, AGENTS),
    requestId: `req-${hex(next, 16)}`,
    action,
    method,
    path,
    resourceType,
    resourceId: resourceType ? uuid(next) : null,
    status,
    outcome: status < 400 ? 'success' : 'denied',
    creditsSpent: action === 'inspection.create' ? 1 : 0,
    idempotencyKey: next() < 0.3 ? `idem-${hex(next, 20)}` : null,
    changes: next() < 0.2 ? JSON.stringify({ name: { from: pick(next, NAMES), to: 'Zoë 🚐' }, enabled: { from: true, to: false } }) : null,
    prevHash: '',
    hash: '',
  };
}

/** Sets prevHash and hash of rows[from..] with the server's chainHash, as the chain writer would (or a rewriter). */
export function rechain(rows: AuditEvent[], from = 0): AuditEvent[] {
  let prevHash = from === 0 ? GENESIS_HASH : rows[from - 1].hash;
  for (let index = from; index < rows.length; index += 1) {
    rows[index].prevHash = prevHash;
    rows[index].hash = chainHash(toChained(rows[index]), prevHash);
    prevHash = rows[index].hash;
  }
  return rows;
}

/** A company's valid chain of `count` events, seq 1..count. */
export function auditChain(companyId: string, count: number, seed = 1): AuditEvent[] {
  const next = random(seed);
  return rechain(Array.from({ length: count }, (_, index) => auditRow(companyId, index + 1, next)));
}

/** One NDJSON export line, exactly as GET /v1/audit-logs/export?format=ndjson writes it. */
export const exportLine = (row: AuditEvent): string => `${JSON.stringify(AuditEventResponse.of(row))}\n`;

/** A checkpoint interleaved in an export with checkpoints=true. */
export const checkpointLine = (checkpoint: Checkpoint): string => `${JSON.stringify({ type: 'checkpoint', ...checkpoint })}\n`;
