import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { RunScopedStorage } from '../../src/platform/async-context/run-scoped-storage.js';

describe('RunScopedStorage', () => {
  it('gives a run its store across awaits, and none outside any run', async () => {
    const storage = new RunScopedStorage<string>();
    expect(storage.getStore()).toBeUndefined();
    const seen = await storage.run('a', async () => {
      await nextTurn();
      const before = storage.getStore();
      await Promise.resolve();
      return [before, storage.getStore()];
    });
    expect(seen).toEqual(['a', 'a']);
    expect(storage.getStore()).toBeUndefined();
  });

  it('keeps a run that is still open seeing its store after another run has ended', async () => {
    const storage = new RunScopedStorage<string>();
    let releaseLong!: () => void;
    const longHeld = new Promise<void>((resolve) => (releaseLong = resolve));
    const long = storage.run('long', async () => {
      await longHeld;
      await nextTurn();
      return storage.getStore();
    });
    await storage.run('short', async () => {
      await nextTurn();
      expect(storage.getStore()).toBe('short');
    });
    releaseLong();
    expect(await long).toBe('long');
    // both ended: tracking is off, and a new run turns it on again
    expect(storage.getStore()).toBeUndefined();
    expect(await storage.run('again', async () => (await nextTurn(), storage.getStore()))).toBe('again');
  });

  it('ends a run that fails as one that succeeds', async () => {
    const storage = new RunScopedStorage<string>();
    await expect(storage.run('failing', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(storage.getStore()).toBeUndefined();
    expect(await storage.run('next', () => Promise.resolve(storage.getStore()))).toBe('next');
  });

  it('runs work outside the store with exit, inside a run', async () => {
    const storage = new RunScopedStorage<string>();
    const seen = await storage.run('outer', async () => {
      const outside = await storage.exit(async () => (await nextTurn(), storage.getStore()));
      return [outside, storage.getStore()];
    });
    expect(seen).toEqual([undefined, 'outer']);
  });
});
