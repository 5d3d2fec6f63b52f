import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, chownSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PG_BIN = '/usr/lib/postgresql/15/bin';

/** A free loopback port (the kernel's pick, released for the caller to bind). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface PrivateCluster {
  url: string;
  /** `pg_ctl stop -m immediate`: PostgreSQL dies as in a crash. */
  kill(): void;
  start(): void;
  destroy(): void;
}

/** A PostgreSQL 15 cluster of our own (STACK.md), so a test may kill it without disturbing anyone. */
export async function startPrivateCluster(): Promise<PrivateCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetgate-faults-pg-'));
  chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const port = await freePort();
  const asPostgres = (command: string) => execFileSync('su', ['postgres', '-c', command], { stdio: 'pipe' });
  asPostgres(`${PG_BIN}/initdb -D ${dir}/data -U postgres --auth=trust >/dev/null`);
  const start = () => {
    asPostgres(`${PG_BIN}/pg_ctl -D ${dir}/data -o '-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off' -l ${dir}/log -w start >/dev/null`);
  };
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    kill: () => asPostgres(`${PG_BIN}/pg_ctl -D ${dir}/data -m immediate stop >/dev/null`),
    start,
    destroy: () => {
      try {
        asPostgres(`${PG_BIN}/pg_ctl -D ${dir}/data -m immediate stop >/dev/null`);
      } catch {
        // already stopped
      }
      execFileSync('rm', ['-rf', dir]);
    },
  };
}

const SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

export interface Instance {
  url: string;
  process: ChildProcess;
  /** Everything the instance logged (JSON lines). */
  log: string[];
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

/** The built server as a child process on a free loopback port, ready (GET /v1/health/ready 200). */
export async function startInstance(databaseUrl: string, env: Record<string, string> = {}): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      JWT_SECRET: 'faults-jwt-secret-0123456789-abcdefghijklmnop',
      API_KEY_PEPPER: 'faults-api-key-pepper-0123456789-abcdefghijkl',
      AUDIT_SIGNING_KEY: SIGNING_KEY,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'fleetgate-faults-data-')),
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      LOG_LEVEL: 'info',
      // the faults under test are crashes and stalls, not limits: the machine's shared Redis keeps
      // counts from earlier runs, and a fast machine sends more than the default budget per minute
      RATE_LIMIT_PER_MINUTE: '1000000',
      SIGNUP_LIMIT_PER_IP_PER_HOUR: '1000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => log.push(...chunk.toString().split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`instance exited at start: ${log.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`instance not ready within 60 s: ${log.join('\n')}`);
    const ready = await fetch(`${url}/v1/health/ready`).then((response) => response.status, () => 0);
    if (ready === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, process: child, log, exited, kill: (signal) => child.kill(signal) };
}

export interface Account {
  companyId: string;
  auth: { Authorization: string };
}

/** A new company and its signed-in owner, through the HTTP API of `base`. */
export async function signUp(base: string): Promise<Account> {
  const response = await fetch(`${base}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ companyName: 'Faults Ltd', name: 'Fay Faults', email: `faults-${crypto.randomUUID()}@example.co.uk`, password: 'correct horse battery staple' }),
  });
  if (response.status !== 201) throw new Error(`signup: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { company: { id: string }; accessToken: string };
  return { companyId: body.company.id, auth: { Authorization: `Bearer ${body.accessToken}` } };
}

/** JSON call; never throws for an HTTP status (a network failure answers status 0). */
export async function call(base: string, method: string, path: string, auth?: Account['auth'], body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  try {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...auth, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, body: parsed };
  } catch {
    return { status: 0, body: null };
  }
}

/** A measured figure for `npm run bench:faults` (appended as a JSON line when FAULTS_FIGURES names a file). */
export function recordFigure(name: string, value: number): void {
  const file = process.env.FAULTS_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify({ name, value })}\n`);
}
