import pg, { type FieldDef, type Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { DataSource } from 'typeorm';
import { SharedSessionStatements } from './shared-session-statements.js';

/** TypeORM's own pg pool: for queries that must never run on a caller's transaction (batched lookups, jobs). */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

/** Per pool, whether each connection has a backend session of its own (PostgreSQL), asked once. */
const ownSessions = new WeakMap<Pool, Promise<boolean>>();
/** Per pool whose connections share one session (PGlite), the names its statements are prepared under. */
const sharedSessions = new WeakMap<Pool, SharedSessionStatements>();

/**
 * A hand-written query on a pooled connection as a named prepared statement: parsed and planned once
 * per connection, its rows as pg returns them (no query building, no hydration). On the embedded
 * database, where PGlite serves every connection from one backend session, it is named for the
 * connection's slot in that session (SharedSessionStatements).
 */
export function queryPreparedOnPool<R extends QueryResultRow>(pool: Pool, name: string, text: string, values: unknown[]): Promise<R[]> {
  return withPooledConnection(pool, (client) => queryPreparedOn<R>(pool, client, name, text, values));
}

/**
 * Takes a pooled connection for `work` and gives it back, dropped if anything failed on it (as pg's own
 * pool.query does: a connection that failed a query is not reused). When its socket dies, pg fails the
 * connection's queries and also emits the error on it; the pool listens only while a connection is idle,
 * so one taken out needs a listener of its own, or that error ends the process.
 */
export async function withPooledConnection<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await checkOut(pool);
  let failure: Error | undefined;
  try {
    return await work(client);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(failure);
  }
}

/**
 * A pooled connection whose socket errors are its holder's to see (they fail its queries). Released
 * healthy, it goes back to the pool's own listener; released failed, it is dropped and keeps this one,
 * for what its dying socket still emits after the holder has seen the failure.
 */
async function checkOut(pool: Pool): Promise<PoolClient> {
  const client = await pool.connect();
  let socketError: Error | undefined;
  const onError = (error: Error) => (socketError ??= error);
  client.on('error', onError);
  const release = client.release.bind(client);
  client.release = (error?: Error | boolean) => {
    const failure = error || socketError;
    if (!failure) client.removeListener('error', onError);
    client.release = release;
    release(failure);
  };
  return client;
}

/** The same on a connection of the pool already taken (a transaction's). */
export async function queryPreparedOn<R extends QueryResultRow>(pool: Pool, client: PoolClient, name: string, text: string, values: unknown[]): Promise<R[]> {
  const namer = await statementNamer(pool, client);
  return (await submit<R>(client, namer(name), text, values)).rows;
}

/**
 * pg's Query made from text and values, its name set after: given a config object instead, pg copies
 * it through its property descriptors on every query (`cloneQueryConfig`, ~1.5 µs against 0.1), which
 * only rows as arrays need.
 */
function submit<R extends QueryResultRow>(client: PoolClient, name: string | undefined, text: string, values: unknown[] | undefined, rowMode?: 'array'): Promise<QueryResult<R>> {
  return new Promise((resolve, reject) => {
    const callback = (error: Error | undefined, result: QueryResult<R>) => (error ? reject(error) : resolve(result));
    const config: pg.QueryArrayConfig | undefined = rowMode && { text, values, rowMode };
    const query = config ? new pg.Query<R>(config, undefined, callback) : new pg.Query<R>(text, values, callback);
    if (name) Object.assign(query, { name });
    client.query(query);
  });
}

type StatementNamer = (name: string | undefined) => string | undefined;
const AS_GIVEN: StatementNamer = (name) => name;

/** How `client` names a prepared statement: as given where it has a session of its own, else for its slot in the shared one. */
async function statementNamer(pool: Pool, client: PoolClient): Promise<StatementNamer> {
  if (await hasOwnSession(pool, client)) return AS_GIVEN;
  const statements = sharedSessionOf(pool);
  return (name) => name && statements.nameOn(client, name);
}

function sharedSessionOf(pool: Pool): SharedSessionStatements {
  let statements = sharedSessions.get(pool);
  if (!statements) sharedSessions.set(pool, (statements = new SharedSessionStatements()));
  return statements;
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

/** A hand-written statement: prepared under `name` where connections have sessions of their own. */
export interface Statement {
  name?: string;
  text: string;
  values?: unknown[];
  /** Rows as arrays of column values (in `fields` order) instead of objects keyed by column name. */
  rowMode?: 'array';
}

/** A statement of the write path: always prepared by name, always with its values. */
export type PreparedStatement = Statement & Required<Pick<Statement, 'name' | 'values'>>;

/** What a pipelined statement answered: its rows, their columns and command tag (`COMMIT`, or `ROLLBACK` for a transaction that had failed). */
export interface StatementResult<R extends QueryResultRow = QueryResultRow> {
  rows: R[];
  fields: FieldDef[];
  command: string;
}

/** The socket under a pg client, for corking a pipeline into one write. */
interface ClientWithStream {
  connection?: { stream?: { cork?: () => void; uncork?: () => void } };
}

/**
 * Sends `statements` on `client` in one round trip: the pool's clients are in pg's pipeline mode
 * (dataSourceOptions), where a query is written at once instead of after the one before it has
 * answered. Each keeps its own Sync, so each answers (and fails) on its own, in order, exactly as if
 * they had been sent one after another; corked, one system call writes them all. Answers one promise
 * per statement, each already handled (a failure nobody awaits does not crash the process).
 */
export async function queryPipelined(pool: Pool, client: PoolClient, statements: Statement[]): Promise<Array<Promise<StatementResult>>> {
  const namer = await statementNamer(pool, client);
  const stream = (client as unknown as ClientWithStream).connection?.stream;
  stream?.cork?.();
  try {
    return statements.map(({ name, text, values, rowMode }) => {
      const answered = submit(client, namer(name), text, values, rowMode);
      answered.catch(() => undefined);
      return answered;
    });
  } finally {
    stream?.uncork?.();
  }
}

/**
 * A pooled connection for a long read (a chain-order scan), out of pg's pipeline mode until `release`:
 * `copyOut` runs COPY through pg-copy-streams, a custom query class that pg refuses on a pipelined
 * connection. Switching is safe here because the connection has just left the pool: nothing is in
 * flight on it and nobody else holds it (pg reads the flag at every query it sends).
 */
export async function connectUnpipelined(pool: Pool): Promise<PoolClient> {
  const client = await checkOut(pool);
  const release = client.release.bind(client);
  setPipelined(client, false);
  client.release = (error?: Error | boolean) => {
    setPipelined(client, true);
    release(error);
  };
  return client;
}

/**
 * A second connection for a long read beside `client`, or none: only on PostgreSQL (on the embedded
 * database every connection is the one backend, so a second reads nothing sooner), only while nobody waits
 * for a connection and at least half the pool is free, so long reads leave the rest to requests. Asked
 * first in the pool's queue for a connection it has free or may still open, it waits for no other holder:
 * a long read never holds one connection while it waits for a second, so long reads never wait on each other.
 */
export async function connectSpareUnpipelined(pool: Pool, client: PoolClient): Promise<PoolClient | undefined> {
  if (!(await hasOwnSession(pool, client)) || pool.waitingCount > 0) return undefined;
  const max = pool.options.max;
  const free = pool.idleCount + (max - pool.totalCount);
  return free * 2 >= max ? connectUnpipelined(pool) : undefined;
}

function setPipelined(client: PoolClient, pipelined: boolean): void {
  (client as PoolClient & { pipeline: boolean }).pipeline = pipelined;
}

/**
 * The bytes `sql` (a `COPY … TO STDOUT`) writes, whole: the database formats each row itself, and
 * Node neither parses nor builds a string per row. For bounded windows of rows only.
 */
export function copyOut(client: PoolClient, sql: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const stream = client.query(copyTo(sql));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}
