import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { keepProtocolSequencesTogether } from './pglite-queue-affinity.js';

export interface EmbeddedPostgres {
  /** postgres:// URL the ordinary pg driver connects to. */
  readonly url: string;
  readonly db: PGlite;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Directory to persist into; undefined keeps the database in memory. */
  dataDir?: string;
  /** A snapshot from `db.dumpDataDir()` to start from (tests: skips initdb). */
  snapshot?: Blob;
  /** Connections above this are refused, not queued: keep the pg pool at or below it. */
  maxConnections: number;
  /**
   * Serve on a loopback TCP port instead of the private Unix socket. Anyone on the machine can then
   * connect (trust authentication): only for tests that must put a TCP proxy in front of it.
   */
  loopbackTcp?: boolean;
}

/**
 * PGlite (Postgres compiled to WASM) served over the Postgres wire protocol, so the app talks to it
 * through the same pg driver and TypeORM code as to a real server. It listens on a Unix socket in a
 * fresh directory of mode 0700, so only this OS user (in practice: this process) can connect. PGlite's
 * file system layer creates files 0666 whatever the umask, so the data directory is tightened to
 * files 0600 / directories 0700 at start and at stop; while it runs the data directory itself is 0700,
 * so files created meanwhile are out of other users' reach too.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    tightenModes(options.dataDir);
  }
  const db = await PGlite.create(options.dataDir ?? 'memory://', {
    loadDataDir: options.snapshot,
  });
  const socketDir = options.loopbackTcp ? undefined : mkdtempSync(join(tmpdir(), 'fleetgate-db-'));
  const server = new PGLiteSocketServer({
    db,
    ...(socketDir ? { path: join(socketDir, '.s.PGSQL.5432') } : { host: '127.0.0.1', port: 0 }),
    maxConnections: options.maxConnections,
  });
  keepProtocolSequencesTogether(server);
  await server.start();
  const url = socketDir
    ? `postgres://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}`
    : `postgres://postgres@${server.getServerConn()}/postgres`;
  return {
    url,
    db,
    async stop() {
      await server.stop();
      await db.close();
      if (options.dataDir) tightenModes(options.dataDir);
      if (socketDir) rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

/** Directories 0700 and files 0600 under `dir` (an older data directory may have been created 0666). */
function tightenModes(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) tightenModes(path);
    else if ((lstatSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  }
}
