/**
 * `npm run bench:audit-db`: what the audit append costs the database alone, with no Node in the way.
 * pgbench drives the service's own tables on a private cluster with production settings
 * (bench/private-cluster.ts; or BENCH_DATABASE_URL, migrated here): the plain write is a vehicle
 * INSERT in its own transaction (the service's row, indexes and company check), the audited write is
 * the same plus the event the service stages in `audit_pending`, chained meanwhile by one more client
 * calling `audit_chain_pending` as an instance's AuditChainer does (what it has not reached when the
 * run ends is chained before the CPU is read, and every chain is checked against its head). Each runs
 * for one company and for ten, at 1 client and at AUDIT_DB_CLIENTS (default 10, the service's pool). Rounds are interleaved;
 * figures are the median round. Database CPU is the cluster's (postmaster and backends, /proc) ÷
 * transactions, so it is only meaningful on the private cluster.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { runMigrations } from '../src/platform/database/migrate.js';
import { startPrivateCluster } from './private-cluster.js';
import { databaseCpuMicros } from './process-cpu.js';

const PGBENCH = process.env.BENCH_PGBENCH ?? `${process.env.BENCH_PG_BIN ?? '/usr/lib/postgresql/15/bin'}/pgbench`;
const SECONDS = Number(process.env.AUDIT_DB_SECONDS ?? 5);
const ROUNDS = Number(process.env.AUDIT_DB_ROUNDS ?? 3);
const CLIENTS = Number(process.env.AUDIT_DB_CLIENTS ?? 10);
const COMPANIES = 10;

/** The stored DVLA answer of a vehicle (about the size the simulated provider stores). */
const DVLA = JSON.stringify({
  registrationNumber: 'AB12CDE', make: 'FORD', colour: 'WHITE', fuelType: 'DIESEL', engineCapacity: 1995, yearOfManufacture: 2019,
  monthOfFirstRegistration: '2019-03', taxStatus: 'Taxed', taxDueDate: '2027-03-01', motStatus: 'Valid', motExpiryDate: '2027-02-28',
  co2Emissions: 158, euroStatus: 'EURO 6', typeApproval: 'N1', wheelplan: '2 AXLE RIGID BODY', dateOfLastV5CIssued: '2023-05-11',
});
const MOT_TESTS = JSON.stringify(Array.from({ length: 3 }, (_, index) => ({
  completedDate: `202${3 + index}-02-20T10:15:00.000Z`, testResult: 'PASSED', expiryDate: `202${4 + index}-02-28`, odometerValue: 41_000 + index * 9_000,
  odometerUnit: 'mi', motTestNumber: `59871234${index}`, defects: [{ text: 'Nearside front tyre worn close to legal limit', type: 'ADVISORY' }],
})));

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
const COMPANY = '(SELECT id FROM bench_audit_db.companies WHERE n = :company)';

const VEHICLE_INSERT = `INSERT INTO vehicles (id, company_id, registration, vin, nickname, mileage, lookup_status, dvla, mot_tests, looked_up_at)
  VALUES (gen_random_uuid(), ${COMPANY}, 'R' || nextval('bench_audit_db.registrations'), NULL, NULL, 42000, 'complete', ${quote(DVLA)}, ${quote(MOT_TESTS)}, now());`;

/** The event as AuditChainWriter stages it for a vehicle create by an API key. */
const AUDIT_STAGE = `INSERT INTO audit_pending (company_id, genesis_hash, id, actor_type, actor_id, actor_name, actor_public_id, ip,
    user_agent, request_id, action, method, path, resource_type, resource_id, status, outcome, credits_spent, idempotency_key, changes)
  VALUES (${COMPANY}, repeat('0', 64), gen_random_uuid(), 'api_key', gen_random_uuid()::text, 'Booking platform (live)', 'fg_live_3kq9x2',
    '203.0.113.7', 'booking-platform/4.2 (+https://example.com)', 'req-' || md5(random()::text), 'vehicle.create', 'POST', '/v1/vehicles',
    'vehicle', gen_random_uuid()::text, 201, 'success', 0, NULL, NULL);`;

interface Scenario {
  write: 'plain' | 'audited';
  companies: 1 | typeof COMPANIES;
  clients: number;
}

interface Measured {
  tps: number;
  cpuPerTransaction: number;
}

function script(scenario: Scenario): string {
  const company = scenario.companies === 1 ? '\\set company 0' : `\\set company :client_id % ${COMPANIES}`;
  return [company, 'BEGIN;', VEHICLE_INSERT, ...(scenario.write === 'audited' ? [AUDIT_STAGE] : []), 'COMMIT;', ''].join('\n');
}

const pgbench = (url: string, clients: number, file: string) =>
  promisify(execFile)(PGBENCH, ['-n', '-M', 'prepared', '-c', String(clients), '-j', '1', '-T', String(SECONDS), '-f', file, url]);

/** The chaining, as one instance's AuditChainer does it while writes keep coming: one caller, company after company. */
function chainerScript(scenario: Scenario): string {
  return [`\\set company random(0, ${scenario.companies - 1})`, `SELECT audit_chain_pending(${COMPANY});`, '\\sleep 200 us', ''].join('\n');
}

async function measure(url: string, postmaster: number | undefined, scenario: Scenario, folder: string): Promise<Measured> {
  const file = join(folder, `${scenario.write}-${scenario.companies}-${scenario.clients}.sql`);
  writeFileSync(file, script(scenario));
  const chainer = join(folder, `chainer-${scenario.companies}.sql`);
  writeFileSync(chainer, chainerScript(scenario));
  const before = postmaster ? databaseCpuMicros(postmaster) : Number.NaN;
  const [{ stdout }] = await Promise.all([pgbench(url, scenario.clients, file), ...(scenario.write === 'audited' ? [pgbench(url, 1, chainer)] : [])]);
  if (scenario.write === 'audited') await chainWhatIsLeft(url);
  await new Promise((resolve) => setTimeout(resolve, 300)); // the backends' exit reaches the postmaster's counters
  const after = postmaster ? databaseCpuMicros(postmaster) : Number.NaN;
  const transactions = Number(/actually processed: (\d+)/.exec(stdout)?.[1]);
  const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
  if (!transactions || !tps) throw new Error(`pgbench printed no result:\n${stdout}`);
  return { tps, cpuPerTransaction: (after - before) / transactions };
}

/** Chains what the chainer had not reached when the run ended (its CPU is the audited writes'), and checks every chain. */
async function chainWhatIsLeft(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT audit_chain_pending(id) FROM bench_audit_db.companies');
    const [{ broken }] = (await client.query<{ broken: string }>(
      `SELECT count(*) AS broken FROM audit_chain_heads h JOIN bench_audit_db.companies c ON c.id = h.company_id
        WHERE h.seq <> (SELECT count(*) FROM audit_events e WHERE e.company_id = h.company_id)`,
    )).rows;
    if (Number(broken) > 0) throw new Error(`${broken} chains do not end at their head`);
  } finally {
    await client.end();
  }
}

async function prepare(url: string): Promise<void> {
  await runMigrations(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE SCHEMA IF NOT EXISTS bench_audit_db');
    await client.query('CREATE SEQUENCE IF NOT EXISTS bench_audit_db.registrations MAXVALUE 9999999');
    await client.query('CREATE TABLE IF NOT EXISTS bench_audit_db.companies (n integer PRIMARY KEY, id uuid NOT NULL)');
    await client.query(`INSERT INTO bench_audit_db.companies SELECT n, gen_random_uuid() FROM generate_series(0, ${COMPANIES - 1}) n ON CONFLICT DO NOTHING`);
    await client.query(`INSERT INTO companies (id, name) SELECT id, 'audit-db bench ' || n FROM bench_audit_db.companies ON CONFLICT DO NOTHING`);
  } finally {
    await client.end();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-GB') : '—');

async function main(): Promise<void> {
  const cluster = process.env.BENCH_DATABASE_URL ? undefined : await startPrivateCluster();
  const url = process.env.BENCH_DATABASE_URL ?? cluster!.url;
  const folder = mkdtempSync(join(tmpdir(), 'fleetgate-audit-db-'));
  try {
    await prepare(url);
    const scenarios: Scenario[] = [];
    for (const clients of [1, CLIENTS]) {
      for (const companies of [1, COMPANIES] as const) {
        if (clients === 1 && companies === COMPANIES) continue; // one client never contends
        for (const write of ['plain', 'audited'] as const) scenarios.push({ write, companies, clients });
      }
    }
    const results = new Map<Scenario, Measured[]>(scenarios.map((scenario) => [scenario, []]));
    for (let index = 0; index < ROUNDS; index++) {
      for (const scenario of scenarios) {
        const measured = await measure(url, cluster?.pid, scenario, folder);
        results.get(scenario)!.push(measured);
        console.error(`round ${index + 1}: ${scenario.write}, ${scenario.companies} compan${scenario.companies === 1 ? 'y' : 'ies'}, ${scenario.clients} clients: ${round(measured.tps)} tps, ${round(measured.cpuPerTransaction)} µs`);
      }
    }
    const medianOf = (scenario: Scenario) => {
      const rounds = results.get(scenario)!;
      return { tps: median(rounds.map((one) => one.tps)), cpu: median(rounds.map((one) => one.cpuPerTransaction)) };
    };
    console.log(`\n### The audit append on the database alone: ${new Date().toISOString().slice(0, 16)}Z, ${cluster ? 'private cluster (production settings)' : 'BENCH_DATABASE_URL'}; ${ROUNDS} interleaved rounds of ${SECONDS} s, medians\n`);
    console.log('| companies | clients | plain tps | audited tps | audited ÷ plain | plain DB µs/tx | audited DB µs/tx | audited ÷ plain CPU |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const scenario of scenarios.filter((one) => one.write === 'plain')) {
      const plain = medianOf(scenario);
      const audited = medianOf(scenarios.find((one) => one.write === 'audited' && one.companies === scenario.companies && one.clients === scenario.clients)!);
      console.log(`| ${scenario.companies} | ${scenario.clients} | ${round(plain.tps)} | ${round(audited.tps)} | ${(audited.tps / plain.tps).toFixed(2)} | ${round(plain.cpu)} | ${round(audited.cpu)} | ${(audited.cpu / plain.cpu).toFixed(2)} |`);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
    cluster?.stop();
  }
}

await main();
