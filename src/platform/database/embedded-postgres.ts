import { mkdirSync } from 'node:fs';
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
}

/**
 * PGlite (Postgres compiled to WASM) served over the Postgres wire protocol on a loopback port, so the
 * app talks to it through the same pg driver and TypeORM code as to a real server.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ?? 'memory://', {
    loadDataDir: options.snapshot,
  });
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    maxConnections: options.maxConnections,
  });
  keepProtocolSequencesTogether(server);
  await server.start();
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  return {
    url,
    db,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
