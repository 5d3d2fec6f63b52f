import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPooledConnection } from '../../src/platform/database/pool.js';
import { type PrivateCluster, startPrivateCluster } from './support.js';

describe('a pooled connection whose backend dies while it is taken out', () => {
  let cluster: PrivateCluster;
  let pool: pg.Pool;
  beforeAll(async () => {
    cluster = await startPrivateCluster();
    pool = new pg.Pool({ connectionString: cluster.url, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    cluster?.destroy();
  });

  it("fails the holder's query instead of ending the process, and the pool drops it and goes on", async () => {
    // pg emits the dead socket's error on the connection too: with no listener of its own it would be
    // an uncaught exception here (vitest fails a run on one), as it ended the service under test/faults
    const holder = withPooledConnection(pool, async (client) => {
      const [{ pid }] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
      const killer = new pg.Client({ connectionString: cluster.url });
      await killer.connect();
      const sleeping = client.query('SELECT pg_sleep(30)');
      sleeping.catch(() => undefined); // its failure is awaited below, once the backend is gone
      await killer.query('SELECT pg_terminate_backend($1)', [pid]);
      await killer.end();
      return sleeping;
    });
    await expect(holder).rejects.toThrow(/terminat/);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the socket's end, after the error message
    expect(pool.totalCount).toBe(0);
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
