import { Inject, Injectable } from '@nestjs/common';
import { retryingTransaction } from '../platform/database/pg-errors.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { LOGGER, type AppLogger } from '../platform/logging/logger.js';
import type { OperationContext } from '../platform/operations/operation.js';
import { AuditSink } from '../platform/operations/ports.js';
import type { AuditActor, AuditDraft, AuditOutcome } from './audit-chain.js';
import { AuditChainWriter } from './audit-chain-writer.js';

const DENIAL_STATUSES = new Set([401, 402, 403]);

/**
 * The one place that turns an operation into an audit event: a success inside the write's own
 * transaction; a denial or failure in a transaction of its own, after the write rolled back.
 */
@Injectable()
export class AuditRecorder extends AuditSink {
  constructor(
    private readonly chain: AuditChainWriter,
    private readonly uow: UnitOfWork,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {
    super();
  }

  async recordSuccess(operation: OperationContext): Promise<void> {
    await this.chain.append(draftOf(operation, 'success'));
  }

  async recordEvent(operation: OperationContext, outcome: 'success' | 'denied'): Promise<void> {
    await this.chain.append(draftOf(operation, outcome));
  }

  async recordRefusal(operation: OperationContext): Promise<void> {
    const outcome: AuditOutcome = DENIAL_STATUSES.has(operation.status) ? 'denied' : 'error';
    await retryingTransaction(() => this.uow.runDetached(() => this.chain.append(draftOf(operation, outcome)))).catch((error: unknown) => {
      this.logger.error({ requestId: operation.call.requestId, err: error }, 'could not record audit event');
    });
  }
}

function draftOf(operation: OperationContext, outcome: AuditOutcome): AuditDraft {
  return {
    ...operation.call,
    companyId: operation.actor.companyId,
    actor: auditActorOf(operation),
    action: operation.action,
    resourceType: operation.resourceType,
    resourceId: operation.resourceId,
    status: operation.status,
    outcome,
    creditsSpent: outcome === 'success' ? operation.creditsSpent : 0,
    changes: outcome === 'success' && operation.changes ? JSON.stringify(operation.changes) : null,
  };
}

function auditActorOf({ actor }: OperationContext): AuditActor {
  if (actor.type === 'api_key') {
    return { type: 'api_key', id: actor.apiKeyId ?? null, name: actor.name, publicId: actor.publicId ?? null };
  }
  return { type: 'user', id: actor.userId, name: actor.name, publicId: null };
}
