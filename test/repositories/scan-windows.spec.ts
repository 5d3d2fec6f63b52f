import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool, PoolClient } from 'pg';
import { scanWindows } from '../../src/audit/scan-windows.js';
import { copyOut, poolOf } from '../../src/platform/database/pool.js';
import { type RepositoryContext, startRepositoryContext } from '../support/repositories.js';

const onPostgres = Boolean(process.env.DATABASE_URL);

describe('a chain-order scan in windows', () => {
  let context: RepositoryContext;
  let pool: Pool;
  beforeAll(async () => {
    context = await startRepositoryContext();
    pool = poolOf(context.app.dataSource);
  });
  afterAll(() => context.close());

  /** Windows of 10 seqs whose value is the seqs themselves, as the database writes them; `readers` records who read each. */
  const scan = (last: number, readers: Array<{ low: number; client: PoolClient }>) =>
    scanWindows(pool, 1, last, () => 10, (client, low, high) => {
      readers.push({ low, client });
      return copyOut(client, `COPY (SELECT g FROM generate_series(${low + 1}, ${high}) g) TO STDOUT`).then(String);
    });
  const seqs = (first: number, last: number) => Array.from({ length: last - first + 1 }, (_, index) => `${first + index}\n`).join('');
  const checkedOut = () => pool.totalCount - pool.idleCount;

  it('yields every window in seq order, on two connections on PostgreSQL and one on the embedded database, and gives them back', async () => {
    const readers: Array<{ low: number; client: PoolClient }> = [];
    const windows = [];
    for await (const window of scan(95, readers)) windows.push(window);
    expect(windows.map(({ low, high }) => [low, high])).toEqual([...Array.from({ length: 9 }, (_, index) => [index * 10, index * 10 + 10]), [90, 95]]);
    expect(windows.map(({ value }) => value).join('')).toBe(seqs(1, 95));
    expect(new Set(readers.map(({ client }) => client)).size).toBe(onPostgres ? 2 : 1);
    expect(checkedOut()).toBe(0);
  });

  it('gives its second connection back as soon as a request waits for one, and reads on with the first', async () => {
    const readers: Array<{ low: number; client: PoolClient }> = [];
    const windows = scan(100, readers);
    const held: PoolClient[] = [];
    try {
      expect((await windows.next()).value).toMatchObject({ low: 0, high: 10 });
      const [first, second] = readers.map(({ client }) => client); // the second window is in flight
      if (!onPostgres) {
        expect(second).toBe(first); // one backend behind every connection: the scan took no second one
      } else {
        while (pool.idleCount > 0 || pool.totalCount < pool.options.max) held.push(await pool.connect());
        const waiting = pool.connect();
        expect(pool.waitingCount).toBe(1);
        expect((await windows.next()).value).toMatchObject({ low: 10, high: 20 });
        const given = await Promise.race([waiting, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 2_000))]);
        expect(given).toBe(second); // the spare, which read the window just taken
        held.push(given!);
      }
      let rest = '';
      for await (const window of windows) rest += window.value;
      expect(rest).toBe(seqs(onPostgres ? 21 : 11, 100));
      expect(readers.filter(({ low }) => low >= 30).every(({ client }) => client === first)).toBe(true);
    } finally {
      for (const client of held) client.release();
    }
    expect(checkedOut()).toBe(0);
  });

  it('stops when its consumer does, and gives its connections back once the windows in flight answer', async () => {
    const windows = scan(100, []);
    expect((await windows.next()).value).toMatchObject({ low: 0, high: 10 });
    await windows.return(undefined);
    expect(checkedOut()).toBe(0);
  });
});
