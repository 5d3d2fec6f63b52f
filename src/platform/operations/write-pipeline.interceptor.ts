import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, UseInterceptors } from '@nestjs/common';
import { INTERCEPTORS_METADATA } from '@nestjs/common/constants.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { retryingTransaction } from '../database/pg-errors.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import { statusOfError } from '../http/problem-details.filter.js';
import { CurrentOperation } from './current-operation.js';
import { callInfoOf, type OperationActor, OperationContext, rememberCreditsSpent, routeResourceIdOf } from './operation.js';
import { type OperationSpec, OperationSpecs } from './operation-specs.js';
import { AuditSink, type ClaimOutcome, CreditMeter, type DebitTime, IdempotencyStore } from './ports.js';

type WriteRequest = FastifyRequest & { user?: OperationActor };

/**
 * The order of a write, in one place:
 *   1. claim the `Idempotency-Key` (every authenticated POST), or replay the stored response;
 *   2. in ONE transaction (begun at the handler's first query): the handler, the audit event (staged:
 *      sent with the COMMIT, and chained once it has committed), the stored idempotent response, and
 *      last the credit debit (staged: sent just before the COMMIT, in its round trip, so the company
 *      row is locked from that statement to the end of the COMMIT) — they commit together or not at
 *      all. A debit that would cross the low-balance threshold refuses the COMMIT, and the write runs
 *      again with its debit taken at once, its `credits.low` event with it;
 *   3. on failure: release the key, and record the refusal in the audit log (its own transaction).
 * A transaction that fails on a deadlock or serialisation failure (40P01 / 40001) is run again from
 * scratch, up to three times, before anything reaches the client.
 * A request refused before the handler (authentication, scope, rate limit) is recorded by the
 * authentication guard through the same AuditSink.
 * Bound only to the routes that write (`@Audited`, `@CreditCost`: see `throughWritePipeline`), so Nest
 * resolves it at start-up and every other route runs without an interceptor (no rxjs on reads).
 */
@Injectable()
export class WritePipelineInterceptor implements NestInterceptor {
  constructor(
    private readonly specs: OperationSpecs,
    private readonly uow: UnitOfWork,
    private readonly operations: CurrentOperation,
    private readonly idempotency: IdempotencyStore,
    private readonly credits: CreditMeter,
    private readonly audit: AuditSink,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return from(this.execute(context, next, this.specs.of(context)));
  }

  private async execute(context: ExecutionContext, next: CallHandler, spec: OperationSpec): Promise<unknown> {
    const request = context.switchToHttp().getRequest<WriteRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const actor = request.user;
    const newOperation = () =>
      spec.action && actor
        ? new OperationContext(actor, spec.action, callInfoOf(request), routeResourceIdOf(request), spec.successStatus)
        : undefined;
    let operation = newOperation();
    let idempotency: ClaimOutcome | undefined;
    try {
      idempotency = actor
        ? await this.idempotency.claim(actor.companyId, { method: request.method, url: request.url, body: request.body, key: request.headers['idempotency-key'] })
        : undefined;
      if (idempotency?.kind === 'replay') {
        void reply.status(idempotency.status).header('Idempotent-Replayed', 'true');
        return idempotency.body;
      }
      const claim = idempotency?.claim;
      const cost = spec.cost && actor ? { actor, rule: spec.cost } : undefined;
      let debitTime: DebitTime = 'at-commit';
      const write = async (): Promise<unknown> => {
        const result: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
        if (operation && !operation.resourceNamed) operation.resourceId = createdIdOf(result) ?? operation.resourceId;
        const resourceId = operation?.resourceId ?? createdIdOf(result);
        // the success event and the stored response commit (or roll back) with the write and its debit
        if (operation) {
          operation.creditsSpent = spec.cost?.credits ?? 0;
          await this.audit.recordSuccess(operation);
        }
        if (claim) await this.idempotency.complete(claim, reply.statusCode === 200 ? spec.successStatus : reply.statusCode, result);
        // last and shortest: the company row stays locked from the debit to the end of the COMMIT
        if (cost) await this.credits.spend(cost.actor, cost.rule, resourceId, debitTime);
        return result;
      };
      // A deadlock or serialisation failure rolled the whole transaction back (debit, audit event and
      // stored response included): run it again from scratch, handler and all, with a fresh operation.
      // So does a COMMIT whose debit must be taken at once (it crosses the low-balance threshold).
      // The transaction begins at the handler's first query: slow I/O before it holds no connection.
      const result = await retryingTransaction(async (attempt) => {
        if (attempt > 1) operation = newOperation();
        const run = () => (operation ? this.operations.run(operation, () => this.uow.runDeferred(write)) : this.uow.runDeferred(write));
        try {
          return await run();
        } catch (error) {
          const refusal = cost ? await this.credits.commitRefusal(error, cost.actor, cost.rule) : undefined;
          if (refusal !== 'spend-now') throw refusal ?? error;
          debitTime = 'now';
          operation = newOperation();
          return await run();
        }
      });
      if (cost) rememberCreditsSpent(request, cost.rule.credits);
      return result;
    } catch (error) {
      if (idempotency?.kind === 'claimed') await this.idempotency.release(idempotency.claim).catch(() => undefined);
      if (operation) {
        operation.status = statusOfError(error);
        operation.creditsSpent = 0;
        await this.audit.recordRefusal(operation);
      }
      throw error;
    }
  }
}

/**
 * Puts a handler through the write pipeline, once however many of its decorators ask (`@Audited` and
 * `@CreditCost` both do): an interceptor named on the handler is resolved by Nest at start-up.
 */
export function throughWritePipeline(): MethodDecorator {
  return (target, key, descriptor) => {
    const bound = (Reflect.getMetadata(INTERCEPTORS_METADATA, descriptor.value as object) as unknown[] | undefined) ?? [];
    if (!bound.includes(WritePipelineInterceptor)) UseInterceptors(WritePipelineInterceptor)(target, key, descriptor);
  };
}

/**
 * The record a create made, as its response names it: an API key by its `publicId` (as everywhere in
 * the contract), anything else by its `id`. Handlers that know better say so through CurrentOperation.
 */
function createdIdOf(result: unknown): string | null {
  if (!result || typeof result !== 'object') return null;
  const { id, publicId } = result as { id?: unknown; publicId?: unknown };
  if (typeof publicId === 'string') return publicId;
  return typeof id === 'string' ? id : null;
}
