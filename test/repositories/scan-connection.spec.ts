import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool, PoolClient } from 'pg';
import { connectSpareUnpipelined, connectUnpipelined, copyOut, poolOf, queryPipelined } from '../../src/platform/database/pool.js';
import { type RepositoryContext, startRepositoryContext } from '../support/repositories.js';

/** pg's pipeline flag of a pooled connection. */
const pipelined = (client: PoolClient) => (client as PoolClient & { pipeline: boolean }).pipeline;

describe('a scan connection (COPY out of the pipelined pool)', () => {
  let context: RepositoryContext;
  let pool: Pool;
  beforeAll(async () => {
    context = await startRepositoryContext();
    pool = poolOf(context.app.dataSource);
  });
  afterAll(() => context.close());

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
      if (!process.env.DATABASE_URL) {
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
});
