import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * An AsyncLocalStorage that tracks async context only while one of its runs is open. On Node 20 an
 * enabled AsyncLocalStorage keeps promise hooks installed, which tax every promise of the process
 * (reads that never open a run included), so the storage is disabled again whenever its last run
 * ends: with no run open there is no store to find, and `getStore()` answers undefined as before.
 */
export class RunScopedStorage<T> {
  private readonly storage = new AsyncLocalStorage<T>();
  private openRuns = 0;

  getStore(): T | undefined {
    return this.storage.getStore();
  }

  /** Runs `work` with `store` as the store of everything it calls and awaits. */
  async run<R>(store: T, work: () => Promise<R>): Promise<R> {
    this.openRuns++;
    try {
      return await this.storage.run(store, work);
    } finally {
      if (--this.openRuns === 0) this.storage.disable();
    }
  }

  /** Runs `work` outside any store (what it starts sees none). */
  exit<R>(work: () => R): R {
    return this.storage.exit(work);
  }
}
