import type { QueryResultRow } from 'pg';
import type { PointReads } from './point-reads.js';
import type { PreparedStatement } from './pool.js';

/**
 * Lookups by key that arrive in the same event-loop turn share one query (`… = ANY($1)`), sent with
 * the turn's other point reads (PointReads): under concurrency one round trip serves many requests,
 * and each still reads rows fresh, after it arrived. A key has at most one row, so a turn's lookup of
 * one key is a row read (it may go as one statement with the turn's other row reads). The query serves
 * several callers, so it never runs on one caller's transaction.
 */
export class BatchedLookup<Row extends QueryResultRow> {
  private batch = new Map<string, Array<{ resolve: (row: Row | undefined) => void; reject: (error: unknown) => void }>>();

  constructor(
    private readonly reads: PointReads,
    /** The statement reading the rows of these keys (any order; a key with no row is simply absent). */
    private readonly statementOf: (keys: string[]) => PreparedStatement,
    private readonly keyOf: (row: Row) => string,
  ) {}

  find(key: string): Promise<Row | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.batch.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.batch.set(key, [{ resolve, reject }]);
      // send() adds its read before its first await, so the read joins the turn being sent
      if (this.batch.size === 1 && !waiting) this.reads.beforeSend(() => void this.send());
    });
  }

  private async send(): Promise<void> {
    const batch = this.batch;
    this.batch = new Map();
    try {
      const rows = await this.reads.read<Row>(this.statementOf([...batch.keys()]), { oneRow: batch.size === 1 });
      const byKey = new Map(rows.map((row) => [this.keyOf(row), row]));
      for (const [key, waiters] of batch) for (const waiter of waiters) waiter.resolve(byKey.get(key));
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
    }
  }
}
