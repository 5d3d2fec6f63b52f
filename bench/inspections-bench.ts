/**
 * `npm run bench:credits`: creates per second of POST /v1/inspections (1 credit each: debit, ledger
 * row, audit event in one transaction) for ONE company at 32 connections, beside a plain
 * POST /v1/vehicles of the same app; then an overspend run: a balance of BENCH_OVERSPEND_BALANCE
 * hammered at 32 connections must end with exactly that many inspections, balance 0, ledger sum =
 * balance (overspend = inspections created beyond the balance; must be 0). On the embedded PGlite and
 * (when BENCH_DATABASE_URL or DATABASE_URL is set) PostgreSQL. autocannon runs in a child process.
 *
 * Settings: BENCH_DURATION (seconds per run, default 10), BENCH_OVERSPEND_BALANCE (default 100),
 * BENCH_DATABASE_URL, BENCH_TARGETS (pglite,postgres).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { BENCH_PASSWORD, benchEmail, request, startBenchApp } from './bench-app.js';

const run = promisify(execFile);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const OVERSPEND_BALANCE = Number(process.env.BENCH_OVERSPEND_BALANCE ?? 100);
const CONNECTIONS = 32;
const CHILD = new URL('./cannon-child.js', import.meta.url).pathname;

interface CannonResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  statuses: Record<string, number>;
}

interface Row {
  database: string;
  operation: string;
  rps: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
}

interface OverspendRow {
  database: string;
  balance: number;
  created: number;
  refused: number;
  finalBalance: number;
  ledgerMatches: boolean;
  overspend: number;
}

async function cannon(options: { url: string; token: string; body: unknown; kind: 'inspection' | 'vehicle'; duration: number }): Promise<CannonResult> {
  const { stdout } = await run(process.execPath, [CHILD, JSON.stringify({ ...options, connections: CONNECTIONS })], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as CannonResult;
}

async function company(base: string, credits: number): Promise<{ token: string; vehicleId: string }> {
  const email = benchEmail('bench');
  const { accessToken: token } = await request<{ accessToken: string }>(base, 'POST', '/v1/auth/signup', {
    companyName: 'Bench Fleet', name: 'Bench Owner', email, password: BENCH_PASSWORD,
  });
  for (let remaining = credits - 10; remaining > 0; remaining -= 100_000) {
    await request(base, 'POST', '/v1/credits/top-ups', { credits: Math.min(remaining, 100_000), paymentReference: 'bench' }, token);
  }
  const vehicle = await request<{ id: string }>(base, 'POST', '/v1/vehicles', { registration: 'BE24NCH' }, token);
  return { token, vehicleId: vehicle.id };
}

const inspectionBody = (vehicleId: string) => ({
  vehicleId,
  templateKey: 'check-out',
  mileage: 12_000,
  items: [{ key: 'tyres', result: 'pass' }, { key: 'lights', result: 'pass' }],
});

async function benchDatabase(database: string, databaseUrl: string | undefined): Promise<{ rows: Row[]; overspend: OverspendRow }> {
  const { running, base } = await startBenchApp(databaseUrl);
  try {
    const rows: Row[] = [];

    const rich = await company(base, 1_000_000);
    const plain = await cannon({ url: `${base}/v1/vehicles`, token: rich.token, body: {}, kind: 'vehicle', duration: DURATION });
    rows.push({ database, operation: 'POST /v1/vehicles (free)', ...plain });
    const paid = await cannon({ url: `${base}/v1/inspections`, token: rich.token, body: inspectionBody(rich.vehicleId), kind: 'inspection', duration: DURATION });
    rows.push({ database, operation: 'POST /v1/inspections (1 credit)', ...paid });
    for (const row of rows) console.error(`${database} ${row.operation}: ${Math.round(row.rps)} req/s ${JSON.stringify(row.statuses)}`);

    const limited = await company(base, OVERSPEND_BALANCE);
    const hammered = await cannon({
      url: `${base}/v1/inspections`, token: limited.token, body: inspectionBody(limited.vehicleId), kind: 'inspection', duration: Math.max(5, Math.ceil(DURATION / 2)),
    });
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // requests still in flight when the load stopped
    const [state] = await running.app.get(DataSource).query<Array<{ balance: number; inspections: number; ledger: number }>>(
      `SELECT c.credit_balance AS balance,
              (SELECT count(*)::int FROM inspections WHERE company_id = c.id) AS inspections,
              (SELECT coalesce(sum(delta), 0)::int FROM credit_ledger WHERE company_id = c.id) AS ledger
       FROM companies c JOIN vehicles v ON v.company_id = c.id WHERE v.id = $1`,
      [limited.vehicleId],
    );
    const overspend: OverspendRow = {
      database,
      balance: OVERSPEND_BALANCE,
      created: state.inspections,
      refused: hammered.statuses['402'] ?? 0,
      finalBalance: state.balance,
      ledgerMatches: state.ledger === state.balance,
      overspend: Math.max(0, state.inspections - OVERSPEND_BALANCE) + Math.max(0, -state.balance),
    };
    console.error(`${database} overspend run: ${JSON.stringify(overspend)} ${JSON.stringify(hammered.statuses)}`);
    return { rows, overspend };
  } finally {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await running.close();
  }
}

function tables(rows: Row[], overspends: OverspendRow[]): string {
  const lines = [
    `| database | operation (one company, ${CONNECTIONS} connections) | creates/s | p50 ms | p99 ms | vs vehicles | responses |`,
    '|---|---|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    const baseline = rows.find((other) => other.database === row.database && other.operation.includes('vehicles'));
    const ratio = baseline ? (row.rps / baseline.rps).toFixed(2) : '';
    const statuses = Object.entries(row.statuses).map(([status, count]) => `${count}× ${status}`).join(', ');
    lines.push(`| ${row.database} | ${row.operation} | ${Math.round(row.rps)} | ${row.p50} | ${row.p99} | ${ratio}× | ${statuses} |`);
  }
  lines.push('', '| database | starting balance | inspections created | 402 refused | final balance | ledger sum = balance | overspend |', '|---|---:|---:|---:|---:|---|---:|');
  for (const row of overspends) {
    lines.push(`| ${row.database} | ${row.balance} | ${row.created} | ${row.refused} | ${row.finalBalance} | ${row.ledgerMatches ? 'yes' : 'NO'} | ${row.overspend} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const targets = (process.env.BENCH_TARGETS ?? 'pglite,postgres').split(',');
  const postgresUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  const rows: Row[] = [];
  const overspends: OverspendRow[] = [];
  const bench = async (database: string, url: string | undefined) => {
    const result = await benchDatabase(database, url);
    rows.push(...result.rows);
    overspends.push(result.overspend);
  };
  if (targets.includes('pglite')) await bench('PGlite', undefined);
  if (targets.includes('postgres')) {
    if (postgresUrl) await bench('PostgreSQL', postgresUrl);
    else console.error('PostgreSQL skipped: set BENCH_DATABASE_URL (or DATABASE_URL)');
  }
  console.log(`\nCredit-spending creates, ${DURATION} s per run (autocannon in a child process), Node ${process.version}\n`);
  console.log(tables(rows, overspends));
  if (overspends.some((row) => row.overspend > 0 || !row.ledgerMatches)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
