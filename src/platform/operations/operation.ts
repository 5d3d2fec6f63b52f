import type { FastifyRequest } from 'fastify';

/** How a record names who did something: the audit log, the credit ledger and records all use it. */
export interface ActorRef {
  type: 'user' | 'api_key' | 'system';
  id: string | null;
  name: string;
  publicId?: string;
}

/**
 * Whoever performs an operation, as the write pipeline and its ports need to know them. Identity's
 * `Principal` is one; the platform layer knows only this much of it.
 */
export interface OperationActor {
  readonly type: 'user' | 'api_key';
  readonly companyId: string;
  /** The user; for a key, its creator. */
  readonly userId: string;
  /** Display name: the user's name or the key's name. */
  readonly name: string;
  readonly apiKeyId?: string;
  readonly publicId?: string;
  /** A key's own daily credit cap; null or absent = no cap. */
  readonly dailyCreditLimit?: number | null;
}

export function actorRefOf(actor: OperationActor): ActorRef {
  if (actor.type === 'api_key') {
    return { type: 'api_key', id: actor.apiKeyId ?? null, name: actor.name, ...(actor.publicId ? { publicId: actor.publicId } : {}) };
  }
  return { type: 'user', id: actor.userId, name: actor.name };
}

/** Credits a successful call spends, and on what (the ledger reason and resource type of the debit). */
export interface CreditCostRule {
  credits: 1;
  resource: 'inspection' | 'agreement';
}

/** A field's value before and after an update or management action (never a secret). */
export interface FieldChange {
  from: unknown;
  to: unknown;
}
export type Changes = Record<string, FieldChange>;

/** What the audit records about the HTTP call itself. The query string is never kept (it may carry a secret). */
export interface CallInfo {
  ip: string | null;
  userAgent: string | null;
  requestId: string;
  method: string;
  path: string;
  idempotencyKey: string | null;
}

/**
 * One call of an audited or credit-spending operation, as the write pipeline runs it: created when
 * the caller is known, completed by the handler (resource, changes) and by the pipeline (status,
 * credits), and read by the audit. Passed explicitly to every port; never parked on the request.
 */
export class OperationContext {
  resourceId: string | null;
  /** Set when the handler named its record itself (CurrentOperation.describe). */
  resourceNamed = false;
  status: number;
  creditsSpent = 0;
  changes: Changes | null = null;

  constructor(
    readonly actor: OperationActor,
    readonly action: string,
    readonly call: CallInfo,
    /** The path parameter naming the resource, if any (a create learns its id later). */
    routeResourceId: string | null,
    successStatus: number,
  ) {
    this.resourceId = routeResourceId;
    this.status = successStatus;
  }

  get resourceType(): string {
    return this.action.split('.')[0];
  }
}

export function callInfoOf(request: FastifyRequest): CallInfo {
  return {
    ip: request.ip ?? null,
    userAgent: headerOf(request, 'user-agent'),
    requestId: String(request.id),
    method: request.method,
    path: request.url.split('?')[0],
    idempotencyKey: headerOf(request, 'idempotency-key'),
  };
}

/** The `:id` (or `:publicId`) path parameter of a request, bounded. */
export function routeResourceIdOf(request: FastifyRequest): string | null {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const id = params.id ?? params.publicId;
  return typeof id === 'string' ? id.slice(0, 128) : null;
}

function headerOf(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first ?? null;
}

const CREDITS_SPENT = Symbol('creditsSpent');

/** The credits a request's operation spent, once its transaction is about to commit (usage statistics). */
export function rememberCreditsSpent(request: object, credits: number): void {
  (request as { [CREDITS_SPENT]?: number })[CREDITS_SPENT] = credits;
}

export function creditsSpentOf(request: object): number {
  return (request as { [CREDITS_SPENT]?: number })[CREDITS_SPENT] ?? 0;
}
