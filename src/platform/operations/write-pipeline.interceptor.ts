import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { AuditRecorder } from '../../audit/audit-recorder.service.js';
import { AUDIT_ACTION } from './audited.decorator.js';
import type { Principal } from '../../identity/principal.js';
import { CREDIT_COST, type CreditCostRule } from './credit-cost.decorator.js';
import { CreditDebitService } from '../../credits/credit-debit.service.js';
import { type ClaimOutcome, IdempotencyService } from '../../idempotency/idempotency.service.js';
import { requestFingerprint } from '../../idempotency/request-fingerprint.js';
import { UnitOfWork } from '../database/unit-of-work.js';

/** What the write pipeline reads from and leaves on a request (`creditsSpent` is read by the audit). */
type WriteRequest = FastifyRequest & { user?: Principal; creditsSpent?: number };

/**
 * The one owner of a write's transaction. For every @Audited or @CreditCost operation, the handler's
 * queries run in a single transaction together with what they record beside it (the credit debit and
 * its ledger row, the stored idempotent response), so they commit together or not at all. Every
 * authenticated POST also honours `Idempotency-Key`, whether audited or not.
 */
@Injectable()
export class WriteTransactionInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly uow: UnitOfWork,
    private readonly idempotency: IdempotencyService,
    private readonly creditDebit: CreditDebitService,
    private readonly audit: AuditRecorder,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const action = this.reflector.get<string | undefined>(AUDIT_ACTION, context.getHandler());
    const cost = this.reflector.get<CreditCostRule | undefined>(CREDIT_COST, context.getHandler());
    const request = context.switchToHttp().getRequest<WriteRequest>();
    const idempotent = request.method === 'POST' && request.user !== undefined;
    if (!action && !cost && !idempotent) return next.handle();
    return from(this.execute(context, next, { transactional: Boolean(action ?? cost), cost, action }));
  }

  private async execute(
    context: ExecutionContext,
    next: CallHandler,
    operation: { transactional: boolean; cost?: CreditCostRule; action?: string },
  ): Promise<unknown> {
    const request = context.switchToHttp().getRequest<WriteRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const idempotency = await this.claimIdempotencyKey(request);
    if (idempotency?.kind === 'replay') {
      void reply.status(idempotency.status).header('Idempotent-Replayed', 'true');
      return idempotency.body;
    }
    const write = async (): Promise<unknown> => {
      const result: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
      if (operation.cost) await this.spendCredits(request, operation.cost, result);
      // audit: the success event commits (or rolls back) with the write, after the debit it reports
      if (operation.action) await this.audit.recordSuccess(context, operation.action, result);
      if (idempotency) await this.idempotency.complete(idempotency.claim, reply.statusCode, result);
      return result;
    };
    try {
      return operation.transactional ? await this.uow.run(write) : await write();
    } catch (error) {
      if (idempotency) await this.idempotency.release(idempotency.claim).catch(() => undefined);
      throw error;
    }
  }

  /** Idempotency: claims the request's key before the write (undefined without a key or principal). */
  private async claimIdempotencyKey(request: WriteRequest): Promise<ClaimOutcome | undefined> {
    if (request.method !== 'POST' || !request.user) return undefined;
    const key = this.idempotency.keyFrom(request.headers['idempotency-key']);
    if (key === undefined) return undefined;
    const fingerprint = requestFingerprint(request.method, request.url, request.body);
    return this.idempotency.claim(request.user.companyId, key, fingerprint);
  }

  /** Credits: the debit and its ledger row (naming the created record) join the write's transaction. */
  private async spendCredits(request: WriteRequest, cost: CreditCostRule, result: unknown): Promise<void> {
    const principal = request.user;
    if (!principal) throw new Error('A credit-spending operation needs a principal');
    await this.creditDebit.spend(principal, cost.credits, cost.resource, idOf(result));
    request.creditsSpent = cost.credits;
  }
}

function idOf(result: unknown): string | null {
  const id = (result as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' ? id : null;
}
