import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PG_BIN = process.env.BENCH_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PrivateCluster {
  url: string;
  /** The postmaster's process id: its children are the server's backends. */
  pid: number;
  /** Stops the server and removes its folder. */
  stop(): void;
}

const shellQuote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

/** Runs a PostgreSQL binary as the `postgres` OS user when we are root (initdb refuses root), else as ourselves. */
function asPostgres(command: string[]): string {
  if (process.getuid?.() === 0) return execFileSync('su', ['postgres', '-c', command.map(shellQuote).join(' ')], { encoding: 'utf8' });
  return execFileSync(command[0], command.slice(1), { encoding: 'utf8' });
}

/** A free loopback port (the kernel's pick, released for the caller to bind). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A PostgreSQL cluster of the bench's own (STACK.md: the machine's shared server runs with autovacuum
 * off), with production settings: initdb's defaults, autovacuum on, fsync on.
 */
export async function startPrivateCluster(): Promise<PrivateCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetgate-bench-pg-'));
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dir]);
  const port = await freePort();
  const started = performance.now();
  asPostgres([`${PG_BIN}/initdb`, '-D', `${dir}/data`, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  asPostgres([`${PG_BIN}/pg_ctl`, '-D', `${dir}/data`, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-l', `${dir}/log`, '-w', 'start']);
  console.error(`private PostgreSQL cluster on port ${port} (${dir}) in ${Math.round(performance.now() - started)} ms`);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pid: Number(readFileSync(`${dir}/data/postmaster.pid`, 'utf8').split('\n')[0]),
    stop: () => {
      try {
        asPostgres([`${PG_BIN}/pg_ctl`, '-D', `${dir}/data`, '-m', 'fast', '-w', 'stop']);
      } catch (error) {
        console.error(`stopping the private cluster failed: ${String(error)}`);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
