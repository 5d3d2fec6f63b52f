import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { startEmbeddedPostgres } from '../../src/platform/database/embedded-postgres.js';

export interface TestDatabase {
  /** postgres:// URL of the migrated test database. */
  url: string;
  query: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
  close: () => Promise<void>;
}

/**
 * The migrated test database without an app in front of it: PostgreSQL when DATABASE_URL is set,
 * else an embedded PGlite from the snapshot, served on a loopback port. For tests that put something
 * (e.g. a proxy) between the app and its database, and check the database directly.
 */
export async function startTestDatabase(): Promise<TestDatabase> {
  const embedded = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ snapshot: new Blob([readFileSync(inject('pgliteSnapshotPath'))]), maxConnections: 30, loopbackTcp: true });
  const url = process.env.DATABASE_URL ?? embedded!.url;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    url,
    query: async (sql, params) => (await client.query(sql, params)).rows as Record<string, unknown>[],
    close: async () => {
      await client.end();
      await embedded?.stop();
    },
  };
}
