import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../platform/database/unit-of-work.js';
import type { AuditAction } from '../../platform/operations/audit-actions.js';
import { type CallInfo, type OperationActor, OperationContext } from '../../platform/operations/operation.js';
import { AuditSink } from '../../platform/operations/ports.js';

type SignInAction = Extract<AuditAction, `auth.${string}`>;

/** Sign-in events in the audit log of the user's (or key's) company; in the open transaction, if any. */
@Injectable()
export class SignInAudit {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly audit: AuditSink,
  ) {}

  record(action: SignInAction, actor: OperationActor, call: CallInfo, status: number, resourceId: string | null = null): Promise<void> {
    const operation = new OperationContext(actor, action, call, resourceId ?? actor.userId, status);
    return this.uow.run(() => this.audit.recordEvent(operation, status < 400 ? 'success' : 'denied'));
  }
}
