/**
 * `npm run bench:perf` (issue #15): the service against the ceilings of its own stack, in one run.
 *
 * Every figure is a ratio to a ceiling measured in the same run, interleaved round by round (ceiling,
 * service, ceiling, service, …), so noise from other processes on a shared machine hits both sides: a
 * ratio is the median over BENCH_ROUNDS of the ratio within each round, and the req/s and latencies shown
 * are those of each scenario's median round. The ceilings are bench/ceiling-app.ts (a bare Nest-on-Fastify app with
 * a pg Pool of the service's size on the same database); the service is the built server
 * (dist/src/main.js) as a child process; autocannon runs in a third process (bench/perf-cannon.ts).
 * Nothing but the audit chain's genesis hash is imported from src/: the harness depends on the built server,
 * HTTP, and for seeding the audit export on the audit_events table having id, company_id and seq. The audit export
 * runs BENCH_ROUNDS times per format, interleaved with its ceiling (the ceiling app's one COPY of the same
 * events), and shows the median round's events/s, its ratio to the ceiling and the RSS growth over all of them.
 *
 * PostgreSQL: a private cluster (initdb into a temp folder as the `postgres` OS user, default settings,
 * autovacuum on), stopped and removed at the end; or BENCH_DATABASE_URL to use an existing database.
 * The embedded database (no DATABASE_URL): the read figures, beside PostgreSQL.
 *
 * Settings: BENCH_SECONDS (per run, default 4), BENCH_ROUNDS (default 3), BENCH_WARMUP_SECONDS (default 1),
 * BENCH_TARGETS (postgres,postgres-redis,embedded: postgres-redis is the service with REDIS_URL, its shared limits
 * in a private redis-server, or BENCH_REDIS_URL), BENCH_AUDIT_EVENTS (export size, default 100000), DB_POOL_SIZE
 * (default 10, for the service and the ceiling alike), BENCH_DATABASE_URL, BENCH_SERVER_MAIN (default
 * dist/src/main.js), BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the
 * service), BENCH_PROFILE (scenario keys such as postgres:read-key-32, or postgres:export: only those run, for
 * profiling and A/B runs), BENCH_RATE (requests/s per load: CPU per request compared below saturation, for A/B runs).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { generateKeyPairSync, randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startPrivateCluster } from './private-cluster.js';
import { databaseCpuMicros, processCpuMicros } from './process-cpu.js';
import { promisify } from 'node:util';
import pg from 'pg';
import type { LoadResult, LoadSpec } from './perf-cannon.js';
import { GENESIS_HASH } from '../src/audit/audit-chain.js';

const execFileAsync = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 1);
const TARGETS = (process.env.BENCH_TARGETS ?? 'postgres,postgres-redis,embedded').split(',').map((target) => target.trim());
const AUDIT_EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 100_000);
const POOL_SIZE = process.env.DB_POOL_SIZE ?? '10';
const SERVER_MAIN = resolve(ROOT, process.env.BENCH_SERVER_MAIN ?? 'dist/src/main.js');
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const PROFILE = process.env.BENCH_PROFILE;
/** Before each measured run, so requests still in flight from the previous one finish first (writes take longer). */
const PAUSE_MS = { GET: 300, POST: 1_000 } as const;
const CANNON = join(HERE, 'perf-cannon.js');
const CEILING = join(HERE, 'ceiling-app.js');
const PASSWORD = 'correct horse battery staple';
const HIGH = '1000000000';

/** `postgres-redis`: the scale-out shape, the service with its shared limits in Redis, on the same cluster. */
type Database = 'postgres' | 'postgres-redis' | 'embedded';
const DATABASE_NAME: Record<Database, string> = { postgres: 'PostgreSQL', 'postgres-redis': 'PostgreSQL + Redis', embedded: 'embedded (PGlite)' };

// ---------------------------------------------------------------- processes

const children = new Set<ChildProcess>();
const cleanups: Array<() => Promise<void> | void> = [];

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface Started {
  child: ChildProcess;
  base: string;
  output: () => string;
}

/** Starts `node script` with env and waits until `probe` answers 200 (or the child dies). */
async function startNode(label: string, script: string, env: Record<string, string | undefined>, port: number, probe: string, nodeArgs: string[] = []): Promise<Started> {
  if (!existsSync(script)) throw new Error(`${label}: ${script} not found (npm run build first)`);
  const child = spawn(process.execPath, [...nodeArgs, script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.once('exit', () => children.delete(child));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${base}${probe}`);
      if (response.ok) {
        serverPids.set(base, child.pid!);
        return { child, base, output: () => output };
      }
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${label} did not answer ${probe} within 90 s:\n${output}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------- the private PostgreSQL cluster

/** The private cluster's postmaster, whose backends' CPU is counted per request (none with BENCH_DATABASE_URL). */
let postmasterPid: number | undefined;

async function startCluster(): Promise<string> {
  const cluster = await startPrivateCluster();
  cleanups.push(() => cluster.stop());
  postmasterPid = cluster.pid;
  return cluster.url;
}

// ---------------------------------------------------------------- a private Redis

/** The private redis-server, whose CPU is counted per request of the PostgreSQL + Redis target (none with BENCH_REDIS_URL). */
let redisPid: number | undefined;

/** A Redis of the run's own on a free port (nothing kept on disk), as the private cluster is; undefined without redis-server. */
async function startRedis(): Promise<string | undefined> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const failed = await new Promise<boolean>((done) => {
    child.once('error', () => done(true));
    child.once('spawn', () => done(false));
  });
  if (failed) return undefined;
  children.add(child);
  redisPid = child.pid;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const answered = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(() => done(true)));
      socket.once('error', () => done(false));
    });
    if (answered) return `redis://127.0.0.1:${port}`;
    await sleep(50);
  }
  throw new Error('the private redis-server did not start');
}

// ---------------------------------------------------------------- CPU per request

/** Each started server's process, by its base URL: the process a scenario's URL loads. */
const serverPids = new Map<string, number>();
/** The processes besides the loaded server whose CPU a run is charged with. */
interface ChargedProcesses {
  /** The private cluster's postmaster (its backends are counted with it). */
  postmaster?: number;
  /** The private redis-server of the PostgreSQL + Redis target. */
  redis?: number;
}

interface CpuPerRequest {
  /** The loaded server's CPU µs per request (on the embedded database, the database's too: it runs in-process). */
  app: number;
  /** The private cluster's CPU µs per request; undefined without one. */
  database?: number;
  /** The private redis-server's CPU µs per request; undefined without one. */
  redis?: number;
}

/** Runs `work` (a load of `url` that answered `requests` times) and charges the CPU it took to those requests. */
async function measureCpu<T>(url: string, work: () => Promise<T>, requestsOf: (result: T) => number, charged: ChargedProcesses): Promise<T & { cpu: CpuPerRequest }> {
  const server = serverPids.get(new URL(url).origin);
  const sample = () => ({
    app: server ? processCpuMicros(server) : Number.NaN,
    database: charged.postmaster ? databaseCpuMicros(charged.postmaster) : undefined,
    redis: charged.redis ? processCpuMicros(charged.redis) : undefined,
  });
  const before = sample();
  const result = await work();
  const after = sample();
  const requests = Math.max(1, requestsOf(result));
  const perRequest = (from?: number, to?: number) => (from === undefined || to === undefined ? undefined : (to - from) / requests);
  return {
    ...result,
    cpu: { app: (after.app - before.app) / requests, database: perRequest(before.database, after.database), redis: perRequest(before.redis, after.redis) },
  };
}

// ---------------------------------------------------------------- the service and the ceiling

const { privateKey } = generateKeyPairSync('ed25519');
const AUDIT_SIGNING_KEY = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

async function startService(databaseUrl: string | undefined, redisUrl: string | undefined): Promise<Started> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-perf-data-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: undefined, REDIS_URL: redisUrl };
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DB_POOL_SIZE: POOL_SIZE,
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'perf-bench-jwt-secret-0123456789-abcdefghijklmnop',
    API_KEY_PEPPER: 'perf-bench-api-key-pepper-0123456789-abcdefghijk',
    AUDIT_SIGNING_KEY,
    RATE_LIMIT_PER_MINUTE: HIGH,
    SIGNUP_LIMIT_PER_IP_PER_HOUR: HIGH,
    LOGIN_FAILURES_PER_IP_PER_HOUR: HIGH,
    REFRESH_LIMIT_PER_IP_PER_MINUTE: HIGH,
    BEARER_FAILURES_PER_IP_PER_MINUTE: HIGH,
    SHUTDOWN_DRAIN_MS: '0',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  return startNode('service', SERVER_MAIN, env, port, '/v1/health/ready', SERVER_NODE_ARGS);
}

async function startCeiling(databaseUrl: string | undefined): Promise<Started> {
  const port = await freePort();
  const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), DB_POOL_SIZE: POOL_SIZE };
  if (!databaseUrl) {
    const dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-perf-ceiling-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    env.DATA_DIR = join(dataDir, 'pgdata');
  }
  return startNode('ceiling', CEILING, env, port, '/ping');
}

/** One JSON call; anything but 2xx ends the bench with the response in the message. */
async function call<T>(base: string, method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const setupRegistration = () => `BE${randomInt(10, 25)}${'ABCDEFGHJKLMNPRSTUVWY'[randomInt(21)]}${'ABCDEFGHJKLMNPRSTUVWY'[randomInt(21)]}${'ABCDEFGHJKLMNPRSTUVWY'[randomInt(21)]}`;

interface Fixture {
  companyId: string;
  userToken: string;
  apiKey: string;
  vehicleId: string;
  ceilingRowId: string;
}

/** Through the public API only: a company with API access on, a full-fleet key, credits, one vehicle; the ceiling gets a row of the same size. */
async function setUp(service: string, ceiling: string): Promise<Fixture> {
  const signup = await call<{ accessToken: string; company: { id: string } }>(service, 'POST', '/v1/auth/signup', {
    companyName: 'Perf Bench Fleet', name: 'Perf Owner', email: `perf-${Date.now()}-${randomInt(1e9)}@example.co.uk`, password: PASSWORD,
  });
  const userToken = signup.accessToken;
  await call(service, 'PUT', '/v1/account/api-access', { enabled: true }, userToken);
  const key = await call<{ fullApiKey: string }>(service, 'POST', '/v1/api-keys', { name: 'perf bench', preset: 'full-fleet-management' }, userToken);
  const credits = 2 * 100_000;
  for (let added = 0; added < credits; added += 100_000) {
    await call(service, 'POST', '/v1/credits/top-ups', { credits: 100_000, paymentReference: 'perf-bench' }, userToken);
  }
  // a fixed registration, so the simulated DVLA/MOT data (and the row read) is the same size in every run
  const created = await call<{ id: string }>(service, 'POST', '/v1/vehicles', { registration: 'BE24NCH', mileage: 12_000 }, key.fullApiKey);
  const vehicle = await call<{ dvla: unknown; motTests: unknown; lookupStatus: string }>(service, 'GET', `/v1/vehicles/${created.id}`, undefined, key.fullApiKey);
  console.error(`set-up vehicle ${created.id}: lookup ${vehicle.lookupStatus}, ${JSON.stringify(vehicle).length} bytes of JSON`);
  // the audited ceiling's events join a company of their own: the measured company's log stays the service's
  const ceilingCompany = await call<{ accessToken: string; company: { id: string } }>(service, 'POST', '/v1/auth/signup', {
    companyName: 'Perf Bench Ceiling', name: 'Ceiling Owner', email: `perf-ceiling-${Date.now()}-${randomInt(1e9)}@example.co.uk`, password: PASSWORD,
  });
  // and the debited ceiling's debits spend its credits
  for (let added = 0; added < credits; added += 100_000) {
    await call(service, 'POST', '/v1/credits/top-ups', { credits: 100_000, paymentReference: 'perf-bench ceiling' }, ceilingCompany.accessToken);
  }
  await call(ceiling, 'POST', '/template', { dvla: vehicle.dvla, motTests: vehicle.motTests, auditCompanyId: ceilingCompany.company.id, genesisHash: GENESIS_HASH });
  const row = await call<{ id: string }>(ceiling, 'POST', '/rows', { registration: setupRegistration() });
  return { companyId: signup.company.id, userToken, apiKey: key.fullApiKey, vehicleId: created.id, ceilingRowId: row.id };
}

// ---------------------------------------------------------------- load runs

interface Scenario {
  key: string;
  spec: Omit<LoadSpec, 'duration'>;
}

/** One measured run: the load's result and the CPU each request cost. */
type Run = LoadResult & { cpu: CpuPerRequest };

interface Measured extends Run {
  /** Every round, in order (round r of every scenario of a group ran back to back). */
  runs: Run[];
  /** non-2xx responses and socket errors over every round. */
  failures: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Registrations sent so far in this run, with room to spare: no load repeats another's (a repeat answers 409). */
let registrationsSent = 0;
const REGISTRATIONS_PER_LOAD = 100_000;

async function load(spec: LoadSpec): Promise<LoadResult> {
  const firstRegistration = spec.kind === 'registration' ? (registrationsSent += REGISTRATIONS_PER_LOAD) : undefined;
  const { stdout } = await execFileAsync(process.execPath, [CANNON, JSON.stringify({ ...spec, firstRegistration })], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as LoadResult;
}

const failuresOf = (result: LoadResult) =>
  Object.entries(result.statuses).reduce((sum, [status, count]) => sum + (status.startsWith('2') ? 0 : count), 0) + result.errors;

/** Warm-up of each, then ROUNDS rounds of every scenario in turn; each scenario shows its median round. */
async function interleaved(label: string, scenarios: Scenario[], charged: ChargedProcesses): Promise<Map<string, Measured>> {
  const chosen = PROFILE ? scenarios.filter((scenario) => PROFILE.split(',').includes(scenario.key)) : scenarios;
  const runs = new Map<string, Run[]>(chosen.map((scenario) => [scenario.key, []]));
  for (const scenario of chosen) {
    if (WARMUP_SECONDS > 0) await load({ ...scenario.spec, duration: WARMUP_SECONDS });
  }
  for (let round = 1; round <= ROUNDS; round++) {
    for (const scenario of chosen) {
      await sleep(PAUSE_MS[scenario.spec.method]);
      const spec: LoadSpec = { ...scenario.spec, duration: SECONDS };
      const result = await measureCpu(spec.url, () => load(spec), (loaded) => Object.values(loaded.statuses).reduce((sum, count) => sum + count, 0), charged);
      const failures = failuresOf(result);
      console.error(
        `${label} ${scenario.key} round ${round}: ${Math.round(result.rps)} req/s p50 ${result.p50} p99 ${result.p99} mean ${result.meanMs.toFixed(2)} ms, ${cpuText(result.cpu)}` +
          (failures ? ` FAILURES ${failures} ${JSON.stringify(result.statuses)} errors ${result.errors}` : ''),
      );
      runs.get(scenario.key)!.push(result);
    }
  }
  const measured = new Map<string, Measured>();
  for (const [key, results] of runs) {
    const byRps = [...results].sort((a, b) => a.rps - b.rps);
    measured.set(key, { ...byRps[Math.floor((byRps.length - 1) / 2)], runs: results, failures: results.reduce((sum, result) => sum + failuresOf(result), 0) });
  }
  return measured;
}

// ---------------------------------------------------------------- audit export

/** What an export run measures: the service's two formats, or the ceiling app's bare COPY of the same rows. */
type ExportSource = 'csv' | 'ndjson' | 'ceiling';

interface ExportResult {
  source: ExportSource;
  events: number;
  seconds: number;
  megabytes: number;
  rssBefore: number;
  rssPeak: number;
}

/** A source's exports over the rounds: the median round's time, each round's, and the RSS from before the first to the highest peak. */
interface ExportRounds extends ExportResult {
  secondsPerRound: number[];
}

function exportRounds(results: ExportResult[]): ExportRounds {
  const median = [...results].sort((a, b) => a.seconds - b.seconds)[Math.floor(results.length / 2)];
  return {
    ...median,
    rssBefore: results[0].rssBefore,
    rssPeak: Math.max(...results.map((result) => result.rssPeak)),
    secondsPerRound: results.map((result) => result.seconds),
  };
}

function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** Clones the company's newest audit event until it has `total` events (new id, next seq; every other column copied). */
async function seedAuditEvents(databaseUrl: string, companyId: string, total: number): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows: columns } = await client.query<{ name: string }>(
      `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'audit_events' ORDER BY ordinal_position`,
    );
    const [{ count }] = (await client.query<{ count: number }>('SELECT count(*)::int AS count FROM audit_events WHERE company_id = $1', [companyId])).rows;
    const missing = total - count;
    if (missing <= 0) return count;
    const names = columns.map((column) => `"${column.name}"`);
    const values = columns.map((column) => (column.name === 'id' ? 'gen_random_uuid()' : column.name === 'seq' ? 'e.seq + g' : `e."${column.name}"`));
    const started = performance.now();
    await client.query(
      `INSERT INTO audit_events (${names.join(', ')}) SELECT ${values.join(', ')} FROM audit_events e, generate_series(1, $2) AS g
       WHERE e.id = (SELECT id FROM audit_events WHERE company_id = $1 ORDER BY seq DESC LIMIT 1)`,
      [companyId, missing],
    );
    // the loads before and the seed leave dead rows, dirty pages and WAL behind: vacuumed and checkpointed
    // now, so the export is not timed beside the autovacuum and checkpoint they would start
    await client.query('VACUUM ANALYZE');
    await client.query('CHECKPOINT');
    console.error(`seeded ${missing} audit events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return total;
  } finally {
    await client.end();
  }
}

/** Reads `url` to its end, counting its lines, while sampling the RSS of the process `from` (the one answering). */
async function timedExport(source: ExportSource, from: Started, url: string, headers: Record<string, string>): Promise<ExportResult> {
  const pid = from.child.pid!;
  const rssBefore = rssOf(pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(pid))), 25);
  const started = performance.now();
  const response = await fetch(url, { headers });
  if (!response.ok || !response.body) throw new Error(`export ${source}: ${response.status} ${await response.text()}`);
  let bytes = 0;
  let lines = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, rssOf(pid));
  // the service's CSV starts with a header line; the ceiling's COPY and NDJSON have none
  return { source, events: source === 'csv' ? lines - 1 : lines, seconds, megabytes: bytes / 1024 / 1024, rssBefore, rssPeak };
}

// ---------------------------------------------------------------- one database

interface DatabaseResult {
  database: Database;
  measured: Map<string, Measured>;
  exports: ExportRounds[];
  serverVersion?: string;
}

const get = (url: string, connections: number, token?: string): Omit<LoadSpec, 'duration'> => ({
  url, connections, method: 'GET', headers: token ? { authorization: `Bearer ${token}` } : {}, kind: 'static',
});
const post = (url: string, body: Record<string, unknown>, kind: LoadSpec['kind'], token?: string, connections = 32): Omit<LoadSpec, 'duration'> => ({
  url, connections, method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {}, body, kind,
});

async function benchDatabase(database: Database, databaseUrl: string | undefined, redisUrl?: string): Promise<DatabaseResult> {
  const service = await startService(databaseUrl, redisUrl);
  const ceiling = await startCeiling(databaseUrl);
  const measured = new Map<string, Measured>();
  const exports: ExportRounds[] = [];
  try {
    const fixture = await setUp(service.base, ceiling.base);
    const vehicleUrl = `${service.base}/v1/vehicles/${fixture.vehicleId}`;
    const rowUrl = `${ceiling.base}/rows/${fixture.ceilingRowId}`;
    const inspection = { vehicleId: fixture.vehicleId, templateKey: 'check-out', mileage: 12_000, items: [{ key: 'tyres', result: 'pass' }, { key: 'lights', result: 'pass' }] };
    // every target must answer 2xx before it is loaded: a fast 4xx would pass for a fast route
    await call(service.base, 'POST', '/v1/inspections', inspection, fixture.apiKey);
    await call(service.base, 'GET', `/v1/vehicles/${fixture.vehicleId}`, undefined, fixture.userToken);
    const key = (name: string) => `${database}:${name}`;
    const scenario = (name: string, spec: Scenario['spec']): Scenario => ({ key: key(name), spec });
    const pipeline = [scenario('ping', get(`${ceiling.base}/ping`, 32)), scenario('live', get(`${service.base}/v1/health/live`, 32))];
    const reads = [
      scenario('row-32', get(rowUrl, 32)),
      scenario('read-key-32', get(vehicleUrl, 32, fixture.apiKey)),
      scenario('read-jwt-32', get(vehicleUrl, 32, fixture.userToken)),
    ];
    const readsAtOne = [scenario('row-1', get(rowUrl, 1)), scenario('read-key-1', get(vehicleUrl, 1, fixture.apiKey))];
    const insert = scenario('insert', post(`${ceiling.base}/rows`, {}, 'registration'));
    const createVehicle = scenario('create-vehicle', post(`${service.base}/v1/vehicles`, {}, 'registration', fixture.apiKey));
    const writes = [
      insert,
      scenario('audited-insert', post(`${ceiling.base}/audited-rows`, {}, 'registration')),
      scenario('debited-insert', post(`${ceiling.base}/debited-rows`, {}, 'registration')),
      createVehicle,
      scenario('create-inspection', post(`${service.base}/v1/inspections`, inspection, 'static', fixture.apiKey)),
    ];
    const writesAtOne = [
      scenario('insert-1', post(`${ceiling.base}/rows`, {}, 'registration', undefined, 1)),
      scenario('create-vehicle-1', post(`${service.base}/v1/vehicles`, {}, 'registration', fixture.apiKey, 1)),
    ];
    const groups: Record<Database, Scenario[][]> = {
      postgres: [pipeline, reads, readsAtOne, writes, writesAtOne],
      // with Redis: what the shared limits cost the reads and a write, beside the same ceilings run again
      'postgres-redis': [reads, readsAtOne, [insert, createVehicle]],
      embedded: [pipeline, reads, readsAtOne],
    };
    const charged = database === 'embedded' ? {} : { postmaster: postmasterPid, redis: database === 'postgres-redis' ? redisPid : undefined };
    for (const group of groups[database]) {
      for (const [name, result] of await interleaved(DATABASE_NAME[database], group, charged)) measured.set(name, result);
    }
    if (database === 'postgres' && databaseUrl && AUDIT_EVENTS > 0 && (!PROFILE || PROFILE.split(',').includes('postgres:export'))) {
      await sleep(3_000); // the last writes still in flight commit their events first
      const events = await seedAuditEvents(databaseUrl, fixture.companyId, AUDIT_EVENTS);
      // interleaved rounds, as the loads are: a slow moment of the host hits one round, not one source
      const auth = { authorization: `Bearer ${fixture.userToken}` };
      const runs: Record<ExportSource, () => Promise<ExportResult>> = {
        csv: () => timedExport('csv', service, `${service.base}/v1/audit-logs/export?format=csv`, auth),
        ndjson: () => timedExport('ndjson', service, `${service.base}/v1/audit-logs/export?format=ndjson`, auth),
        ceiling: () => timedExport('ceiling', ceiling, `${ceiling.base}/audit-export/${fixture.companyId}`, {}),
      };
      const rounds = new Map<ExportSource, ExportResult[]>([['csv', []], ['ndjson', []], ['ceiling', []]]);
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const [source, results] of rounds) {
          const result = await runs[source]();
          if (result.events !== events) console.error(`export ${source}: ${result.events} events, expected ${events}`);
          console.error(`export ${source}: ${result.events} events in ${result.seconds.toFixed(2)} s, RSS ${mb(result.rssBefore)} → ${mb(result.rssPeak)} MB`);
          results.push(result);
        }
      }
      for (const results of rounds.values()) exports.push(exportRounds(results));
    }
    let serverVersion: string | undefined;
    if (databaseUrl) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      serverVersion = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
      await client.end();
    }
    return { database, measured, exports, serverVersion };
  } finally {
    await stopChild(service.child);
    await stopChild(ceiling.child);
  }
}

// ---------------------------------------------------------------- the table

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

interface Line {
  database: string;
  figure: string;
  connections: number | string;
  value: string;
  p50: string;
  p99: string;
  mean: string;
  ratio: string;
  goal: string;
  met: string;
  failures: string;
}

function lines(result: DatabaseResult): Line[] {
  const m = (name: string) => result.measured.get(`${result.database}:${name}`);
  const database = DATABASE_NAME[result.database];
  const out: Line[] = [];
  const row = (figure: string, measured: Measured | undefined, ratio: number | undefined, goal: string, met: boolean | undefined, connections?: number): void => {
    if (!measured) return;
    out.push({
      database,
      figure,
      connections: connections ?? '',
      value: Math.round(measured.rps).toLocaleString('en-GB'),
      p50: String(measured.p50),
      p99: String(measured.p99),
      mean: fixed(measured.meanMs),
      ratio: ratio === undefined ? '—' : fixed(ratio),
      goal,
      met: met === undefined ? '' : met ? 'yes' : '**no**',
      failures: String(measured.failures),
    });
  };
  // paired within each round (the two ran back to back), then the median over the rounds
  const paired = (figure: 'rps' | 'meanMs') => (a?: Measured, b?: Measured) =>
    a && b ? median(a.runs.map((run, i) => run[figure] / b.runs[i][figure])) : undefined;
  const ratio = paired('rps');
  const latency = paired('meanMs');
  const ping = m('ping');
  const row32 = m('row-32');
  const row1 = m('row-1');
  const insert = m('insert');
  row('bare Nest-Fastify `GET /ping` (ceiling)', ping, undefined, '—', undefined, 32);
  row('bare Nest-Fastify + pg, `GET` one row by primary key (one-query ceiling)', row32, undefined, '—', undefined, 32);
  row('same, 1 connection', row1, undefined, '—', undefined, 1);
  row('bare Nest-Fastify + pg, `POST` BEGIN/INSERT vehicle-sized row/COMMIT (write ceiling)', insert, undefined, '—', undefined, 32);
  const live = m('live');
  const liveRatio = ratio(live, ping);
  row('`GET /v1/health/live` ÷ bare ping', live, liveRatio, '≥ 0.6', liveRatio === undefined ? undefined : liveRatio >= 0.6, 32);
  const key32 = m('read-key-32');
  const keyRatio = ratio(key32, row32);
  row('`GET /v1/vehicles/{id}`, API key ÷ one-query ceiling', key32, keyRatio, '≥ 0.8, p99 < 10 ms', keyRatio === undefined || !key32 ? undefined : keyRatio >= 0.8 && key32.p99 < 10, 32);
  const key1 = m('read-key-1');
  const latencyRatio = latency(key1, row1);
  row('same, 1 connection: latency ÷ one-query ceiling latency', key1, latencyRatio, '≤ 1.6', latencyRatio === undefined ? undefined : latencyRatio <= 1.6, 1);
  const jwt32 = m('read-jwt-32');
  const jwtRatio = ratio(jwt32, key32);
  row('same with a user JWT ÷ API-key read', jwt32, jwtRatio, '≥ 0.9', jwtRatio === undefined ? undefined : jwtRatio >= 0.9, 32);
  const vehicles = m('create-vehicle');
  const vehiclesRatio = ratio(vehicles, insert);
  row('`POST /v1/vehicles` (API key) ÷ write ceiling', vehicles, vehiclesRatio, '≥ 0.5', vehiclesRatio === undefined ? undefined : vehiclesRatio >= 0.5, 32);
  const audited = m('audited-insert');
  row('the same with its audit event (`audit_append`) before COMMIT (audited write ceiling)', audited, undefined, '—', undefined, 32);
  row('`POST /v1/vehicles` ÷ audited write ceiling', audited && vehicles, ratio(vehicles, audited), '—', undefined, 32);
  const insert1 = m('insert-1');
  row('write ceiling, 1 connection', insert1, undefined, '—', undefined, 1);
  const vehicles1 = m('create-vehicle-1');
  row('`POST /v1/vehicles`, 1 connection: latency ÷ write ceiling latency', vehicles1, latency(vehicles1, insert1), '—', undefined, 1);
  const inspections = m('create-inspection');
  const inspectionsRatio = ratio(inspections, vehicles);
  row('`POST /v1/inspections` (API key, 1 credit) ÷ `POST /v1/vehicles`, one company', inspections, inspectionsRatio, '≥ 0.8', inspectionsRatio === undefined ? undefined : inspectionsRatio >= 0.8, 32);
  const debited = m('debited-insert');
  row('write ceiling with the credit debit (`credit_debit`) before COMMIT (debited write ceiling) ÷ write ceiling', debited, ratio(debited, insert), '—', undefined, 32);
  row('`POST /v1/inspections` ÷ debited write ceiling', inspections, ratio(inspections, debited), '—', undefined, 32);
  if (vehicles && inspections) {
    const lower = vehicles.rps <= inspections.rps ? vehicles : inspections;
    row(`one company's audited writes/s (the lower of the two creates: ${lower === vehicles ? 'vehicles' : 'inspections'})`, lower, undefined, '≥ 500/s', lower.rps >= 500, 32);
  }
  const ceilingExport = result.exports.find((exported) => exported.source === 'ceiling');
  if (ceilingExport) {
    out.push({
      database,
      figure: `bare Nest-Fastify + pg, one \`COPY\` of the same events (every column, CSV) to the response (export ceiling; ${
        ceilingExport.megabytes.toFixed(0)} MB in ${ceilingExport.secondsPerRound.map((seconds) => seconds.toFixed(2)).join(', ')} s)`,
      connections: 1,
      value: `${Math.round(ceilingExport.events / ceilingExport.seconds).toLocaleString('en-GB')} events/s`,
      p50: '', p99: '', mean: '', ratio: '—', goal: '—', met: '', failures: '',
    });
  }
  for (const exported of result.exports.filter((exported) => exported.source !== 'ceiling')) {
    const perSecond = exported.events / exported.seconds;
    const growth = (exported.rssPeak - exported.rssBefore) / 1024 / 1024;
    // paired as the loads are: the median over the rounds of the ceiling's time ÷ the export's in the same round
    const ofCeiling = ceilingExport && median(exported.secondsPerRound.map((seconds, round) => ceilingExport.secondsPerRound[round] / seconds));
    out.push({
      database,
      figure: `audit export (${exported.source}, ${exported.events.toLocaleString('en-GB')} events, ${exported.megabytes.toFixed(0)} MB in ${
        exported.secondsPerRound.map((seconds) => seconds.toFixed(2)).join(', ')} s): events/s of the median round, ÷ export ceiling; server RSS ${
        mb(exported.rssBefore)} → ${mb(exported.rssPeak)} MB over the rounds`,
      connections: 1,
      value: `${Math.round(perSecond).toLocaleString('en-GB')} events/s`,
      p50: '',
      p99: '',
      mean: '',
      ratio: `${ofCeiling === undefined ? '' : `${ofCeiling.toFixed(2)}, `}+${growth.toFixed(0)} MB RSS`,
      goal: '≥ 100k events/s, < 64 MB',
      met: perSecond >= 100_000 && growth < 64 ? 'yes' : '**no**',
      failures: '',
    });
  }
  return out;
}

function table(results: DatabaseResult[]): string {
  const out = [
    '| database | figure | conns | req/s | p50 ms | p99 ms | mean ms | ratio | goal | met | non-2xx/errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|---|---:|',
  ];
  for (const result of results) {
    for (const line of lines(result)) {
      out.push(`| ${line.database} | ${line.figure} | ${line.connections} | ${line.value} | ${line.p50} | ${line.p99} | ${line.mean} | ${line.ratio} | ${line.goal} | ${line.met} | ${line.failures} |`);
    }
  }
  return out.join('\n');
}

const cpuText = (cpu: CpuPerRequest) =>
  `${Math.round(cpu.app)} µs app${cpu.database === undefined ? '' : ` + ${Math.round(cpu.database)} µs database`}${
    cpu.redis === undefined ? '' : ` + ${Math.round(cpu.redis)} µs Redis`} CPU per request`;

function roundsTable(results: DatabaseResult[]): string {
  const out = [
    '| scenario | req/s per round | server CPU µs per request, per round | database CPU µs per request, per round | Redis CPU µs per request, per round |',
    '|---|---|---|---|---|',
  ];
  for (const result of results) {
    for (const [name, measured] of result.measured) {
      const cpu = (of: (run: Run) => number | undefined) => measured.runs.map((run) => { const value = of(run); return value === undefined ? '—' : Math.round(value); }).join(', ');
      const redis = measured.runs.some((run) => run.cpu.redis !== undefined) ? cpu((run) => run.cpu.redis) : '—';
      out.push(`| ${name} | ${measured.runs.map((run) => Math.round(run.rps)).join(', ')} | ${cpu((run) => run.cpu.app)} | ${cpu((run) => run.cpu.database)} | ${redis} |`);
    }
  }
  return out.join('\n');
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = performance.now();
  if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} not found: npm run build first`);
  const results: DatabaseResult[] = [];
  const postgresTargets = TARGETS.filter((target): target is 'postgres' | 'postgres-redis' => target === 'postgres' || target === 'postgres-redis');
  if (postgresTargets.length > 0) {
    const url = process.env.BENCH_DATABASE_URL ?? (await startCluster());
    if (postgresTargets.includes('postgres')) results.push(await benchDatabase('postgres', url));
    if (postgresTargets.includes('postgres-redis')) {
      const redisUrl = process.env.BENCH_REDIS_URL ?? (await startRedis());
      if (redisUrl) results.push(await benchDatabase('postgres-redis', url, redisUrl));
      else console.error('redis-server not found: the PostgreSQL + Redis figures are left out (or set BENCH_REDIS_URL)');
    }
  }
  if (TARGETS.includes('embedded')) results.push(await benchDatabase('embedded', undefined));
  const version = results.find((result) => result.serverVersion)?.serverVersion;
  const minutes = ((performance.now() - started) / 60_000).toFixed(1);
  console.log(
    `\n### Performance (issue #15): ${new Date().toISOString().slice(0, 16)}Z, Node ${process.version}, ${cpus().length} CPUs, ` +
      `PostgreSQL ${version ?? 'n/a'}${process.env.BENCH_DATABASE_URL ? ' (BENCH_DATABASE_URL)' : ' (private cluster, default settings, autovacuum on)'}, ` +
      `pool ${POOL_SIZE}; ${ROUNDS} interleaved rounds of ${SECONDS} s after a ${WARMUP_SECONDS} s warm-up; run took ${minutes} min\n`,
  );
  console.log(table(results));
  console.log(
    '\nratio: the median over the rounds of the ratio within a round (the two sides ran back to back); req/s, p50, p99 and mean: ' +
      "the scenario's median round. req/s counts 2xx answers only; p50/p99 are autocannon's (whole ms); mean ms = connections ÷ " +
      "throughput (Little's law): the 1-connection latency figure. CPU per request: user + system time from /proc of the loaded server " +
      "and of the private cluster (postmaster and backends), and of the private redis-server for PostgreSQL + Redis, over the run, ÷ the run's " +
      "responses (on the embedded database the server's includes the database's).\n",
  );
  console.log(roundsTable(results));
}

const cleanUp = async () => {
  await Promise.all([...children].map((child) => stopChild(child)));
  for (const cleanup of cleanups.reverse()) await cleanup();
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
