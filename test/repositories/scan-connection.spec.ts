import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg, { type Pool, type PoolClient } from 'pg';
import { scanWindows } from '../../src/audit/scan-windows.js';
import { dataSourceOptions } from '../../src/platform/database/data-source-options.js';
import { connectSpareUnpipelined, connectUnpipelined, copyOut, queryPipelined } from '../../src/platform/database/pool.js';
import { type RepositoryContext, startRepositoryContext } from '../support/repositories.js';

const onPostgres = Boolean(process.env.DATABASE_URL);

/** pg's pipeline flag of a pooled connection. */
const pipelined = (client: PoolClient) => (client as PoolClient & { pipeline: boolean }).pipeline;

describe('a scan connection (COPY out of the pipelined pool)', () => {
  let context: RepositoryContext;
  let pool: Pool;
  beforeAll(async () => {
    context = await startRepositoryContext();
    // a pool as the app makes its own, but this file's alone: on PostgreSQL the app also works on jobs
    // other test files queue, and these tests count the pool's connections
    const { extra } = dataSourceOptions(context.app.databaseUrl, 8) as { extra: pg.PoolConfig };
    pool = new pg.Pool({ connectionString: context.app.databaseUrl, ...extra });
  });
  afterAll(async () => {
    await pool.end();
    await context.close();
  });

  it('answers the bytes COPY writes, one window after another, and is pipelined again once back in the pool', async () => {
    const scan = await connectUnpipelined(pool);
    expect(pipelined(scan)).toBe(false);
    const window = (from: number) => copyOut(scan, `COPY (SELECT g, 'a,"b"' FROM generate_series(${from}, ${from + 1}) g) TO STDOUT (FORMAT csv)`);
    // the second COPY is asked for before the first has answered, as a scan's read-ahead does
    const [first, second] = await Promise.all([window(1), window(3)]);
    expect(first.toString()).toBe('1,"a,""b"""\n2,"a,""b"""\n');
    expect(second.toString()).toBe('3,"a,""b"""\n4,"a,""b"""\n');
    scan.release();

    const next = await pool.connect();
    try {
      expect(next).toBe(scan); // the idle connection just released
      expect(pipelined(next)).toBe(true);
      const answers = await Promise.all(await queryPipelined(pool, next, [{ text: 'SELECT 1 AS one' }, { text: 'SELECT 2 AS two' }]));
      expect(answers.map((answer) => answer.rows[0])).toEqual([{ one: 1 }, { two: 2 }]);
    } finally {
      next.release();
    }
  });

  it('fails a COPY the database refuses and stays usable', async () => {
    const scan = await connectUnpipelined(pool);
    try {
      await expect(copyOut(scan, 'COPY (SELECT 1 FROM no_such_table) TO STDOUT')).rejects.toThrow(/no_such_table/);
      expect((await copyOut(scan, 'COPY (SELECT 42) TO STDOUT')).toString()).toBe('42\n');
    } finally {
      scan.release();
    }
  });

  it('lends a scan a second connection on PostgreSQL while half the pool is free, and never makes it wait for one', async () => {
    const scan = await connectUnpipelined(pool);
    const held: PoolClient[] = [scan];
    try {
      const spare = await connectSpareUnpipelined(pool, scan);
      if (!onPostgres) {
        expect(spare).toBeUndefined(); // the embedded database is one backend behind every connection
        return;
      }
      expect(spare).toBeDefined();
      held.push(spare!);
      expect(pipelined(spare!)).toBe(false);
      expect((await Promise.all([copyOut(scan, 'COPY (SELECT 1) TO STDOUT'), copyOut(spare!, 'COPY (SELECT 2) TO STDOUT')])).join('')).toBe('1\n2\n');
      // with more than half the pool held, none is lent; with all of it held, the answer still comes at once
      while ((pool.idleCount + pool.options.max - pool.totalCount) * 2 >= pool.options.max) held.push(await pool.connect());
      expect(await connectSpareUnpipelined(pool, scan)).toBeUndefined();
      while (pool.totalCount < pool.options.max || pool.idleCount > 0) held.push(await pool.connect());
      expect(await connectSpareUnpipelined(pool, scan)).toBeUndefined();
      expect(pool.waitingCount).toBe(0);
    } finally {
      for (const client of held) client.release();
    }
  });

  describe('in windows (scanWindows)', () => {
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
});
