/** The `prevHash` of a company's first event. */
export { GENESIS_HASH } from '#audit-verify/chain.js';

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
 * The canonical form and the chain hash live in ONE place, shared with the offline verifier that
 * customers run (tools/audit-verify/lib/chain.js): the server cannot hash differently from it.
 */
export { canonicalEvent, chainHash } from '#audit-verify/chain.js';
