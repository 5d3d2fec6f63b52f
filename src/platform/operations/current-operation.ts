import { Injectable } from '@nestjs/common';
import { RunScopedStorage } from '../async-context/run-scoped-storage.js';
import type { CallInfo, Changes, OperationContext } from './operation.js';

/**
 * The operation a handler is running, for the handler's services to describe what they did (the
 * record they acted on, what changed) without threading the context through every signature.
 */
@Injectable()
export class CurrentOperation {
  private readonly current = new RunScopedStorage<OperationContext>();

  run<T>(operation: OperationContext, work: () => Promise<T>): Promise<T> {
    return this.current.run(operation, work);
  }

  /** The HTTP call being served, for events a handler records besides its own (e.g. keys revoked with their creator). */
  call(): CallInfo | undefined {
    return this.current.getStore()?.call;
  }

  /** Names the record acted on (a create's new id) and what changed; outside an operation, a no-op. */
  describe(description: { resourceId?: string; changes?: Changes | null }): void {
    const operation = this.current.getStore();
    if (!operation) return;
    if (description.resourceId !== undefined) {
      operation.resourceId = description.resourceId;
      operation.resourceNamed = true;
    }
    if (description.changes !== undefined) operation.changes = description.changes;
  }
}
