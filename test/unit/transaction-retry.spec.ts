import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { cut } from '../../src/audit/audit-chain-writer.js';
import { retryingTransaction } from '../../src/platform/database/pg-errors.js';

const failure = (code: string) => new QueryFailedError('UPDATE …', [], Object.assign(new Error('failed'), { code }));

describe('retryingTransaction', () => {
  it('runs a transaction that deadlocked or failed to serialise again, from scratch, until it succeeds', async () => {
    const attempts: number[] = [];
    const result = await retryingTransaction((attempt) => {
      attempts.push(attempt);
      if (attempt === 1) return Promise.reject(failure('40P01'));
      if (attempt === 2) return Promise.reject(failure('40001'));
      return Promise.resolve('committed');
    });
    expect(result).toBe('committed');
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('gives up after three attempts and lets the last failure through', async () => {
    const thrown: Error[] = [];
    const outcome = retryingTransaction(() => {
      const error = failure('40P01');
      thrown.push(error);
      return Promise.reject(error);
    });
    await expect(outcome).rejects.toThrow('failed');
    expect(thrown).toHaveLength(3);
    await outcome.catch((error: unknown) => expect(error).toBe(thrown[2]));
  });

  it('never repeats a transaction that failed for any other reason', async () => {
    let attempts = 0;
    await expect(retryingTransaction(() => {
      attempts += 1;
      return Promise.reject(failure('23505'));
    })).rejects.toThrow('failed');
    expect(attempts).toBe(1);
  });
});

describe('cut (audit strings as stored)', () => {
  it('counts code points and never cuts inside a surrogate pair', () => {
    expect(cut(`a${'😀'.repeat(199)}`, 200)).toBe(`a${'😀'.repeat(199)}`);
    expect(cut('😀'.repeat(5), 3)).toBe('😀😀😀');
  });

  it('replaces lone surrogates and NUL, which the database could not store as given', () => {
    expect(cut('x\uD800y\uDC00z\u0000', 10)).toBe('x\uFFFDy\uFFFDz\uFFFD');
  });
});
