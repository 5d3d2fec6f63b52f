import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { AuditRecorder } from '../../audit/audit-recorder.service.js';
import { AUDIT_ACTION } from '../../audit/audited.decorator.js';
import { UnitOfWork } from '../../infra/database/unit-of-work.js';

/**
 * The one owner of a write's transaction. For every @Audited operation, the handler's queries run in
 * a single transaction, so the write and what it records beside it commit together or not at all.
 */
@Injectable()
export class WriteTransactionInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditRecorder,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const action = this.reflector.get<string | undefined>(AUDIT_ACTION, context.getHandler());
    if (!action) return next.handle();
    return from(
      this.uow.run(async () => {
        const result: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
        // audit: the success event commits (or rolls back) with the write itself
        await this.audit.recordSuccess(context, action, result);
        return result;
      }),
    );
  }
}
