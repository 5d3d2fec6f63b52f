import { randomBytes } from 'node:crypto';
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
 * (e.g. a proxy) between the app and its database, and check the database directly. `own` gives it a
 * database of its own on PostgreSQL too (created here, migrated by the first app that starts on it,
 * dropped on close): for tests whose background jobs must not be taken by other test files' instances.
 */
export async function startTestDatabase(options: { own?: boolean } = {}): Promise<TestDatabase> {
  const embedded = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ snapshot: new Blob([readFileSync(inject('pgliteSnapshotPath'))]), maxConnections: 30, loopbackTcp: true });
  const own = options.own && process.env.DATABASE_URL ? await createOwnDatabase(process.env.DATABASE_URL) : undefined;
  const url = own?.url ?? process.env.DATABASE_URL ?? embedded!.url;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    url,
    query: async (sql, params) => (await client.query(sql, params)).rows as Record<string, unknown>[],
    close: async () => {
      await client.end();
      await own?.drop();
      await embedded?.stop();
    },
  };
}

async function createOwnDatabase(sharedUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `fleetgate_test_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: sharedUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(sharedUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
