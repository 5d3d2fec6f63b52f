import { Injectable } from '@nestjs/common';
import { newId } from '../platform/database/uuid-entity.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { type AuditDraft, GENESIS_HASH } from './audit-chain.js';
import { AuditChainer } from './audit-chainer.js';

const STAGE_SQL = `
  INSERT INTO audit_pending (company_id, genesis_hash, id, actor_type, actor_id, actor_name, actor_public_id, ip,
    user_agent, request_id, action, method, path, resource_type, resource_id, status, outcome, credits_spent,
    idempotency_key, changes)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`;

const LIMITS = { userAgent: 512, path: 2048, idempotencyKey: 255, name: 200, ip: 64, requestId: 128 } as const;

/**
 * Adds events to their company's hash chain. `append` stages the event in `audit_pending` in the open
 * transaction (or a new one), so it commits with the write or not at all; once the transaction has
 * committed, AuditChainer chains it (migration 1764103500000), and the transaction's caller goes on only
 * then. The chain takes the event's seq, time and hash there, once it holds the company's chain head,
 * computing the hash of tools/audit-verify/lib/chain.js in SQL from exactly the values given here
 * (test/audit/audit-chain.spec.ts holds the two to the same bytes). Staging locks nothing: a write holds
 * no chain lock, whatever else it locks.
 */
@Injectable()
export class AuditChainWriter {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly chainer: AuditChainer,
  ) {}

  /**
   * Stages the event in the open transaction, or in a new one if there is none; answers the event's id.
   * Its seq, time and hash exist once the transaction has committed and been followed by its chaining.
   */
  append(draft: AuditDraft): Promise<string> {
    return this.uow.run(async () => {
      const event = { ...bounded(draft), id: newId() };
      await this.uow.stageForCommit('audit_stage', STAGE_SQL, [
        event.companyId, GENESIS_HASH, event.id, event.actor.type, event.actor.id, event.actor.name, event.actor.publicId ?? null,
        event.ip, event.userAgent, event.requestId, event.action, event.method, event.path, event.resourceType, event.resourceId,
        event.status, event.outcome, event.creditsSpent, event.idempotencyKey, event.changes ?? null,
      ]);
      this.uow.afterCommit(`audit-chain ${event.companyId}`, () => this.chainer.chain(event.companyId));
      return event.id;
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
