/**
 * `npm run bench:auth`: req/s and p50/p99 latency of GET /v1/auth/me with a user JWT, an API key and a
 * key token, beside an unauthenticated route of the same app (GET /v1/health/live), at 1 and 32
 * connections, on the embedded PGlite and (when BENCH_DATABASE_URL or DATABASE_URL is set) PostgreSQL.
 * autocannon runs in a child process so it does not share the app's event loop. Prints a Markdown table.
 *
 * Settings: BENCH_DURATION (seconds per run, default 10), BENCH_DATABASE_URL, BENCH_TARGETS (pglite,postgres).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BENCH_PASSWORD, benchEmail, request, startBenchApp } from './bench-app.js';

const run = promisify(execFile);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
/** Each scenario runs this many times, interleaved with the others; the best run counts (shared, noisy machines). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = [1, 32];
const AUTOCANNON = join(process.cwd(), 'node_modules', '.bin', 'autocannon');

interface Row {
  database: string;
  credential: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

/** A company with API access on, its owner's token, a read-only key and a key token. */
async function credentials(base: string): Promise<Record<string, string | undefined>> {
  const email = benchEmail('bench');
  const signup = await request<{ accessToken: string }>(base, 'POST', '/v1/auth/signup', {
    companyName: 'Bench Fleet', name: 'Bench Owner', email, password: BENCH_PASSWORD,
  });
  await request(base, 'PUT', '/v1/account/api-access', { enabled: true }, signup.accessToken);
  const key = await request<{ fullApiKey: string }>(base, 'POST', '/v1/api-keys', { name: 'bench', preset: 'read-only' }, signup.accessToken);
  const exchanged = await request<{ accessToken: string }>(base, 'POST', '/v1/auth/api-key/token', { apiKey: key.fullApiKey });
  return {
    'none (GET /v1/health/live)': undefined,
    'user JWT': signup.accessToken,
    'API key': key.fullApiKey,
    'key token': exchanged.accessToken,
  };
}

async function cannon(url: string, connections: number, token?: string, duration = DURATION): Promise<AutocannonResult> {
  const args = ['-j', '-c', String(connections), '-d', String(duration), ...(token ? ['-H', `authorization=Bearer ${token}`] : []), url];
  const { stdout } = await run(AUTOCANNON, args, { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as AutocannonResult;
}

async function benchDatabase(database: string, databaseUrl: string | undefined): Promise<Row[]> {
  const { running, base } = await startBenchApp(databaseUrl);
  try {
    const tokens = await credentials(base);
    const rows: Row[] = [];
    const urlOf = (token: string | undefined) => (token === undefined ? `${base}/v1/health/live` : `${base}/v1/auth/me`);
    for (const connections of CONNECTIONS) {
      for (const token of Object.values(tokens)) await cannon(urlOf(token), connections, token, 2); // warm-up, discarded
      const best = new Map<string, Row>();
      for (let round = 0; round < ROUNDS; round++) {
        for (const [credential, token] of Object.entries(tokens)) {
          const result = await cannon(urlOf(token), connections, token);
          const row = {
            database,
            credential,
            connections,
            rps: Math.round(result.requests.average),
            p50: result.latency.p50,
            p99: result.latency.p99,
            errors: result.non2xx + result.errors,
          };
          console.error(`${database} ${credential} c=${connections} round ${round + 1}: ${row.rps} req/s`);
          const previous = best.get(credential);
          if (!previous || row.rps > previous.rps) best.set(credential, { ...row, errors: row.errors + (previous?.errors ?? 0) });
          else previous.errors += row.errors;
        }
      }
      rows.push(...best.values());
    }
    return rows;
  } finally {
    // let requests still queued from the last run drain before the database goes away
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await running.close();
  }
}

function table(rows: Row[]): string {
  const lines = [
    '| database | credential | connections | req/s | p50 ms | p99 ms | vs unauthenticated | non-2xx/errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const baseline = rows.find((other) => other.database === row.database && other.connections === row.connections && other.credential.startsWith('none'));
    const ratio = baseline ? (row.rps / baseline.rps).toFixed(2) : '';
    lines.push(`| ${row.database} | ${row.credential} | ${row.connections} | ${row.rps} | ${row.p50} | ${row.p99} | ${ratio}× | ${row.errors} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const targets = (process.env.BENCH_TARGETS ?? 'pglite,postgres').split(',');
  const postgresUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  const rows: Row[] = [];
  if (targets.includes('pglite')) rows.push(...(await benchDatabase('PGlite', undefined)));
  if (targets.includes('postgres')) {
    if (postgresUrl) rows.push(...(await benchDatabase('PostgreSQL', postgresUrl)));
    else console.error('PostgreSQL skipped: set BENCH_DATABASE_URL (or DATABASE_URL)');
  }
  console.log(`\nGET /v1/auth/me by credential: best of ${ROUNDS} interleaved ${DURATION} s runs (autocannon in a child process), Node ${process.version}\n`);
  console.log(table(rows));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
