import { Injectable } from '@nestjs/common';
import { newId } from '../platform/database/uuid-entity.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { type AuditDraft, type ChainedEvent, GENESIS_HASH } from './audit-chain.js';

const LIMITS = { userAgent: 512, path: 2048, idempotencyKey: 255, name: 200, ip: 64, requestId: 128 } as const;

/**
 * Appends events to their company's hash chain in ONE round trip: the `audit_append` function
 * (migration 1764101100000) locks the company's `audit_chain_heads` row by an upsert (ON CONFLICT DO
 * UPDATE locks the row and returns its latest committed version), so writers of one company take
 * turns until their transaction ends and can never fork the chain; other companies lock other rows
 * and do not wait. It takes the event's time once it holds the head, and computes the hash of
 * tools/audit-verify/lib/chain.js in SQL from exactly the values given here (test/audit/audit-chain.spec.ts holds the two to the same bytes).
 *
 * Lock order (docs/ARCHITECTURE.md): the company row BEFORE the chain head. The upsert reads the
 * company row `FOR KEY SHARE` first — the lock the `audit_events` foreign key would take anyway, only
 * earlier — so a write that locked the company row (team changes, credit debits) and a write that did
 * not both take company → head, and neither can wait for the other in a cycle.
 */
@Injectable()
export class AuditChainWriter {
  constructor(private readonly uow: UnitOfWork) {}

  /** Appends in the open transaction, or in a new one if there is none. */
  append(draft: AuditDraft): Promise<ChainedEvent> {
    return this.uow.run(async (manager) => {
      const event: Omit<ChainedEvent, 'seq' | 'occurredAt'> = { ...bounded(draft), id: newId() };
      // seq and time are the database's, taken once the head is locked, so both rise together
      const [appended] = await manager.query<Array<{ seq: string; occurred_at: Date }>>(
        `SELECT seq, occurred_at FROM audit_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
        [
          event.companyId, GENESIS_HASH, event.id, event.actor.type, event.actor.id, event.actor.name, event.actor.publicId ?? null,
          event.ip, event.userAgent, event.requestId, event.action, event.method, event.path, event.resourceType, event.resourceId,
          event.status, event.outcome, event.creditsSpent, event.idempotencyKey, event.changes ?? null,
        ],
      );
      return { ...event, seq: Number(appended.seq), occurredAt: appended.occurred_at };
    });
  }
}

/** The draft as it will be stored: every string storable and within its column, so the hash covers exactly what is stored. */
export function bounded(draft: AuditDraft): AuditDraft {
  return {
    ...draft,
    actor: { ...draft.actor, name: cut(draft.actor.name, LIMITS.name) },
    ip: cut(draft.ip, LIMITS.ip),
    userAgent: cut(draft.userAgent, LIMITS.userAgent),
    requestId: cut(draft.requestId, LIMITS.requestId),
    path: cut(draft.path, LIMITS.path),
    idempotencyKey: cut(draft.idempotencyKey, LIMITS.idempotencyKey),
    resourceId: cut(draft.resourceId, 128),
  };
}

/** A lone surrogate (what the driver would store as U+FFFD) or NUL (which PostgreSQL refuses in text). */
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be replaced
const UNSTORABLE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\u0000/g;

/**
 * At most `length` characters as PostgreSQL counts them (code points), never cut inside a surrogate
 * pair, with anything the database could not store as given replaced by U+FFFD first.
 */
export function cut<T extends string | null>(value: T, length: number): T {
  if (value === null) return value;
  const storable = value.replace(UNSTORABLE, '\uFFFD');
  if (storable.length <= length) return storable as T;
  let end = 0;
  for (let count = 0; count < length && end < storable.length; count++) {
    end += storable.codePointAt(end)! > 0xffff ? 2 : 1;
  }
  return storable.slice(0, end) as T;
}
