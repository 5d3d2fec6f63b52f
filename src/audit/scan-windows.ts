import type { Pool, PoolClient } from 'pg';
import { connectSpareUnpipelined, connectUnpipelined } from '../platform/database/pool.js';

/** What a window of a chain-order scan read: seqs (low, high]. */
export interface ScanWindow<T> {
  value: T;
  low: number;
  high: number;
}

/** A window asked for, and the connection reading it. */
interface Asked<T> {
  window: Promise<ScanWindow<T>>;
  client: PoolClient;
}

/**
 * Seqs (first - 1, last] in windows, `seqs(previous)` of them after the window before, each read by `read`
 * as its own short query (no snapshot held across the scan), yielded in seq order: memory stays constant
 * however long the range. The scan holds one pooled connection, and a second one while the pool can spare
 * it (`connectSpareUnpipelined`): each connection reads one window ahead while the consumer works on the
 * current one, and asks for its next only once the consumer wants more (back-pressure), so with two the
 * database writes two windows at once. The second goes back to the pool as soon as a request waits for a
 * connection. Between windows the scan yields to the event loop, so it never starves other requests.
 */
export async function* scanWindows<T>(pool: Pool, first: number, last: number, seqs: (previous?: ScanWindow<T>) => number,
  read: (client: PoolClient, low: number, high: number) => Promise<T>): AsyncGenerator<ScanWindow<T>> {
  const main = await connectUnpipelined(pool);
  let spare: PoolClient | undefined;
  const asked: Array<Asked<T>> = [];
  let low = first - 1;
  const ask = (client: PoolClient, previous?: ScanWindow<T>) => {
    if (low >= last) return;
    const from = low;
    const high = Math.min(from + seqs(previous), last);
    const window = read(client, from, high).then((value) => ({ value, low: from, high }));
    window.catch(() => undefined); // handled where it is awaited, in order
    asked.push({ window, client });
    low = high;
  };
  let failed = false;
  try {
    spare = await connectSpareUnpipelined(pool, main);
    ask(main);
    if (spare) ask(spare);
    for (let next = asked.shift(); next; next = asked.shift()) {
      const window = await next.window;
      if (next.client === spare && pool.waitingCount > 0) {
        spare.release();
        spare = undefined;
      } else {
        ask(next.client, window);
      }
      yield window;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } catch (error) {
    failed = true; // the connections are not given back for reuse after a failed read
    throw error;
  } finally {
    // a consumer that stopped early (the client went away) leaves the windows asked ahead in flight
    await Promise.allSettled(asked.map(({ window }) => window));
    main.release(failed);
    spare?.release(failed);
  }
}
