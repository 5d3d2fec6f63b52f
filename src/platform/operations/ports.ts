import type { ActorRef, CreditCostRule, OperationActor, OperationContext } from './operation.js';

/**
 * The ports the write pipeline (and identity) call, implemented by capabilities above them and bound
 * once in the composition root (app.module.ts). Abstract classes, so each is its own injection token.
 */

/** The audit log (audit/). */
export abstract class AuditSink {
  /** A successful operation, inside the write's transaction: it commits or rolls back with the write. */
  abstract recordSuccess(operation: OperationContext): Promise<void>;
  /** A refused or failed operation, in a transaction of its own; never throws (a failure is logged). */
  abstract recordRefusal(operation: OperationContext): Promise<void>;
  /**
   * An event that is not the HTTP operation's own — each key revoked with its removed creator, a
   * sign-in — inside the open transaction (so it commits with the write), or in one of its own.
   */
  abstract recordEvent(operation: OperationContext, outcome: 'success' | 'denied'): Promise<void>;
}

/** When a write's credits are debited: at once, or while its transaction commits. */
export type DebitTime = 'now' | 'at-commit';

/** The credit balance and its ledger (credits/). */
export abstract class CreditMeter {
  /**
   * Debits a successful operation's cost inside its transaction. `now`: at once, refusing with 402
   * when it cannot. `at-commit`: staged, and taken while the transaction commits (the company row is
   * then locked for the COMMIT only); a COMMIT that refuses it fails, and `commitRefusal` says why.
   */
  abstract spend(actor: OperationActor, cost: CreditCostRule, resourceId: string | null, when: DebitTime): Promise<void>;
  /**
   * Why a COMMIT with an `at-commit` debit failed: the 402 to answer; `spend-now` when the operation
   * must run again with its debit taken at once (so what the debit causes, such as an event, commits
   * with it); undefined when the failure was not the debit's.
   */
  abstract commitRefusal(error: unknown, actor: OperationActor, cost: CreditCostRule): Promise<Error | 'spend-now' | undefined>;
  /** The ledger row of a new company's welcome credits, in the sign-up's transaction. */
  abstract recordWelcome(companyId: string, credits: number, actor: ActorRef): Promise<void>;
}

/** A request's hold on its `Idempotency-Key` while it runs. */
export interface IdempotencyClaim {
  readonly id: string;
  readonly lockId: string;
}
export type ClaimOutcome = { kind: 'claimed'; claim: IdempotencyClaim } | { kind: 'replay'; status: number; body: unknown };
export interface IdempotentRequest {
  method: string;
  url: string;
  body: unknown;
  /** The `Idempotency-Key` header as received. */
  key: string | string[] | undefined;
}

/** Idempotency keys of authenticated POSTs (idempotency/). */
export abstract class IdempotencyStore {
  /** Undefined when the request carries no `Idempotency-Key`. */
  abstract claim(companyId: string, request: IdempotentRequest): Promise<ClaimOutcome | undefined>;
  /** Stores the successful response, inside the write's transaction when there is one. */
  abstract complete(claim: IdempotencyClaim, status: number, body: unknown): Promise<void>;
  /** Lets a failed request's key be used again. */
  abstract release(claim: IdempotencyClaim): Promise<void>;
}

export const OUTBOX_EVENT_TYPES = [
  'inspection.completed',
  'agreement.signed',
  'licence.flagged',
  'credits.low',
  'api_key.revoked',
  'api_key.expiring',
  'audit.checkpoint',
  'webhook.test',
] as const;
export type OutboxEventType = (typeof OUTBOX_EVENT_TYPES)[number];

/** Events for webhooks (webhooks/), stored in the cause's own transaction. */
export abstract class Outbox {
  abstract record(companyId: string, type: OutboxEventType, data: Record<string, unknown>): Promise<void>;
}
