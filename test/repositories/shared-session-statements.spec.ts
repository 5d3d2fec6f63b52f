import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryPreparedOn } from '../../src/platform/database/pool.js';
import { startTestDatabase, type TestDatabase } from '../support/test-database.js';

const TEXT = 'SELECT $1::int AS n';

/**
 * Prepared statements on PostgreSQL (a session per connection) and on PGlite (one session that every
 * connection shares): each connection prepares a statement once, and on PGlite the session holds at
 * most one copy per connection slot however often connections come and go.
 */
describe('prepared statements of a pool', () => {
  let database: TestDatabase;
  let shared: boolean;
  beforeAll(async () => {
    database = await startTestDatabase();
    const [{ version }] = (await database.query('SELECT version()')) as Array<{ version: string }>;
    shared = version.includes('PGlite');
  });
  afterAll(() => database.close());

  /** The names starting with `name` that `TEXT` is prepared under in the session `client` is on. */
  const preparedNames = async (client: pg.PoolClient, name: string) =>
    (
      await client.query<{ name: string }>('SELECT name FROM pg_prepared_statements WHERE statement = $1 AND starts_with(name, $2) ORDER BY name', [TEXT, name])
    ).rows.map((row) => row.name);

  it('answer on every connection at once, each connection preparing the statement under a name of its own in a shared session', async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 3 });
    const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
    try {
      for (const round of [0, 1]) {
        const answers = await Promise.all(clients.map((client, index) => queryPreparedOn<{ n: number }>(pool, client, 'test_shared_session', TEXT, [index + round])));
        expect(answers.map(([row]) => row.n)).toEqual([round, 1 + round, 2 + round]);
      }
      const names = await Promise.all(clients.map((client) => preparedNames(client, 'test_shared_session')));
      if (shared) {
        expect(names[0]).toHaveLength(3);
        expect(names[0].every((name) => name.startsWith('test_shared_session~'))).toBe(true);
        expect(names.every((seen) => seen.join() === names[0].join())).toBe(true);
      } else {
        expect(names).toEqual([['test_shared_session'], ['test_shared_session'], ['test_shared_session']]);
      }
    } finally {
      for (const client of clients) client.release();
      await pool.end();
    }
  });

  it('are not prepared again by the connection that takes an ended one’s place: the session keeps one copy', async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    try {
      for (const n of [1, 2, 3, 4]) {
        const client = await pool.connect();
        const ended = new Promise((resolve) => client.once('end', resolve));
        try {
          expect(await queryPreparedOn(pool, client, 'test_slot_reuse', TEXT, [n])).toEqual([{ n }]);
          const names = await preparedNames(client, 'test_slot_reuse');
          expect(names).toHaveLength(1);
          expect(names[0]).toMatch(shared ? /^test_slot_reuse~/ : /^test_slot_reuse$/);
        } finally {
          client.release(true); // the pool ends it; the next connect makes a new connection
        }
        await ended;
      }
    } finally {
      await pool.end();
    }
  });
});
