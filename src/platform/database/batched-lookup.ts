/**
 * Lookups by key that arrive in the same event-loop turn share one query (`… = ANY($1)`): under
 * concurrency one round trip serves many requests, and each still reads rows fresh, after it arrived.
 * Idle, a lookup queries at once (no added latency); busy, it waits for the turn's others.
 * The query serves several callers, so it must never run on one caller's transaction.
 */
export class BatchedLookup<Row> {
  private inFlight = 0;
  private batch = new Map<string, Array<{ resolve: (row: Row | undefined) => void; reject: (error: unknown) => void }>>();

  constructor(
    /** The rows of these keys (any order; a key with no row is simply absent). */
    private readonly load: (keys: string[]) => Promise<Row[]>,
    private readonly keyOf: (row: Row) => string,
  ) {}

  find(key: string): Promise<Row | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.batch.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.batch.set(key, [{ resolve, reject }]);
      if (this.batch.size > 1 || waiting) return;
      if (this.inFlight === 0) queueMicrotask(() => void this.flush());
      else setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.batch;
    this.batch = new Map();
    this.inFlight++;
    try {
      const rows = await this.load([...batch.keys()]);
      const byKey = new Map(rows.map((row) => [this.keyOf(row), row]));
      for (const [key, waiters] of batch) for (const waiter of waiters) waiter.resolve(byKey.get(key));
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
    } finally {
      this.inFlight--;
    }
  }
}
