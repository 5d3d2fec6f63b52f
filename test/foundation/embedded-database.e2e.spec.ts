import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/platform/database/embedded-postgres.js';

/** Every path under `dir` with the permission bits group or others hold. */
function openToOthers(dir: string): string[] {
  const open: string[] = [];
  const walk = (path: string) => {
    if ((statSync(path).mode & 0o077) !== 0) open.push(path);
    if (statSync(path).isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
  return open;
}

describe('the embedded database', () => {
  it('is reachable only through a Unix socket in a private directory, and keeps its files from other users', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'fleetgate-data-')), 'pgdata');
    mkdirSync(dataDir, { recursive: true });
    chmodSync(dataDir, 0o777);
    writeFileSync(join(dataDir, 'left-over'), 'from an older version', { mode: 0o666 });
    chmodSync(join(dataDir, 'left-over'), 0o666);

    const embedded = await startEmbeddedPostgres({ dataDir, maxConnections: 2 });
    try {
      const url = new URL(embedded.url);
      const socketDir = url.searchParams.get('host')!;
      expect(socketDir.startsWith('/')).toBe(true);
      expect(statSync(socketDir).mode & 0o777).toBe(0o700);
      const client = new pg.Client({ connectionString: embedded.url });
      await client.connect();
      await client.query('CREATE TABLE probe (id int)');
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await client.end();
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(openToOthers(join(dataDir, 'left-over'))).toEqual([]);
    } finally {
      await embedded.stop();
    }
    expect(openToOthers(dataDir)).toEqual([]);
  }, 60_000);
});
