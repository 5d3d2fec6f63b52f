import type { Pool, PoolClient, QueryConfig, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';

/** TypeORM's own pg pool: for queries that must never run on a caller's transaction (batched lookups, jobs). */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

/** Per pool, whether each connection has a backend session of its own (PostgreSQL), asked once. */
const ownSessions = new WeakMap<Pool, Promise<boolean>>();

/**
 * A hand-written query on a pooled connection as a named prepared statement: parsed and planned once
 * per connection, its rows as pg returns them (no query building, no hydration). On the embedded
 * database it is unnamed: PGlite serves every connection from one backend session, where a name
 * would be shared (and a second connection's prepare of it refused).
 */
export async function queryPreparedOnPool<R extends QueryResultRow>(pool: Pool, name: string, text: string, values: unknown[]): Promise<R[]> {
  const client = await pool.connect();
  try {
    const rows = await queryPreparedOn<R>(pool, client, name, text, values);
    client.release();
    return rows;
  } catch (error) {
    // as pg's own pool.query does: a connection that failed a query is not reused
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}

/** The same on a connection of the pool already taken (a transaction's). */
export async function queryPreparedOn<R extends QueryResultRow>(pool: Pool, client: PoolClient, name: string, text: string, values: unknown[]): Promise<R[]> {
  const query: QueryConfig = (await hasOwnSession(pool, client)) ? { name, text, values } : { text, values };
  return (await client.query<R>(query)).rows;
}

function hasOwnSession(pool: Pool, client: PoolClient): Promise<boolean> {
  let known = ownSessions.get(pool);
  if (!known) {
    known = client.query<{ version: string }>('SELECT version()').then(
      ({ rows }) => !rows[0].version.includes('PGlite'),
      (error: unknown) => {
        ownSessions.delete(pool); // asked again next time
        throw error;
      },
    );
    ownSessions.set(pool, known);
  }
  return known;
}
