import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/platform/database/embedded-postgres.js';
import { runMigrations } from '../../src/platform/database/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** File holding a migrated PGlite data directory; each test app starts from it (no initdb). */
    pgliteSnapshotPath: string;
  }
}

/**
 * Migrates the test database once: PostgreSQL when DATABASE_URL is set, else an in-memory PGlite
 * whose data directory is saved so every test file starts from it in well under a second.
 */
export default async function setup(project: TestProject): Promise<void> {
  if (process.env.DATABASE_URL) {
    await runMigrations(process.env.DATABASE_URL);
    project.provide('pgliteSnapshotPath', '');
    return;
  }
  const embedded = await startEmbeddedPostgres({ maxConnections: 2 });
  try {
    await runMigrations(embedded.url);
    const snapshot = await embedded.db.dumpDataDir('none');
    const path = join(tmpdir(), `fleetgate-pglite-${process.pid}.tar`);
    writeFileSync(path, Buffer.from(await snapshot.arrayBuffer()));
    project.provide('pgliteSnapshotPath', path);
  } finally {
    await embedded.stop();
  }
}
