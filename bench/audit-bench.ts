/**
 * `npm run bench:audit`: (1) export of AUDIT_BENCH_EVENTS (default 1,000,000) events of one company over
 * HTTP, CSV and NDJSON, beside its ceiling measured in the same run: PostgreSQL's own `COPY (the export's
 * SELECT) TO STDOUT` of the same rows (text and CSV), read by psql into /dev/null. The app runs in this
 * process and the HTTP client is curl in a child process, so the RSS figures are the server's own. (2) write
 * throughput of one company with the audit append on vs off: the same service call
 * (AccountService.setIpAllowlist) in the same kind of transaction, with and without AuditChainWriter.append
 * — production code has no switch to turn auditing off. (3) checkpoint creation (POST
 * /v1/audit-logs/checkpoints) for the seeded company beside a company with a handful of events: it signs the
 * chain head and never rereads the chain, so its time must not grow with the log. Prints Markdown tables.
 *
 * Runs on a private PostgreSQL cluster with production settings (bench/private-cluster.ts), or on
 * BENCH_DATABASE_URL. The generated events are bulk-inserted with generate_series; their hashes are
 * placeholders (the export does not re-hash), not a valid chain.
 */
import { spawn } from 'node:child_process';
import { AccountService } from '../src/accounts/account.service.js';
import { AuditChainWriter } from '../src/audit/audit-chain-writer.js';
import { AUDIT_ROW_COLUMNS } from '../src/audit/audit-rows.js';
import type { Principal } from '../src/identity/principal.js';
import { UnitOfWork } from '../src/platform/database/unit-of-work.js';
import { BENCH_PASSWORD, request, startBenchApp } from './bench-app.js';
import { startPrivateCluster } from './private-cluster.js';
import { ROLE_SCOPES } from '../src/identity/scopes/scope-catalogue.js';
import { DataSource } from 'typeorm';

const EVENTS = Number(process.env.AUDIT_BENCH_EVENTS ?? 1_000_000);
const WRITES = Number(process.env.AUDIT_BENCH_WRITES ?? 300);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const thousands = (value: number) => Math.round(value).toLocaleString('en-GB');

async function seed(dataSource: DataSource, companyId: string, count: number): Promise<void> {
  // after the company's sign-up event (seq 1); every tenth event carries `changes`, as updates do
  await dataSource.query(
    `INSERT INTO audit_events (id, company_id, seq, occurred_at, actor_type, actor_id, actor_name, actor_public_id, ip,
       user_agent, request_id, action, method, path, resource_type, resource_id, status, outcome, credits_spent,
       idempotency_key, prev_hash, hash, changes)
     SELECT gen_random_uuid(), $1, g + 1, now() - make_interval(secs => $2 - g), 'user', gen_random_uuid(), 'Bench, "Owner"',
       NULL, '203.0.113.7', 'bench-agent/1.0', 'req-' || g, 'vehicle.create', 'POST', '/v1/vehicles', 'vehicle',
       gen_random_uuid()::text, 201, 'success', 0, NULL, repeat('0', 64), encode(sha256(g::text::bytea), 'hex'),
       CASE WHEN g % 10 = 0 THEN '{"name":{"from":"Zoë","to":"Zoë Ægir"}}' END
     FROM generate_series(1, $2) AS g`,
    [companyId, count],
  );
  await dataSource.query('ANALYZE audit_events');
}

interface Timed {
  seconds: number;
  bytes: number;
  lines: number;
  peakRss: number;
}

/** Runs a child process that writes to a pipe we count, sampling this process's RSS meanwhile. */
function timedChild(command: string, args: string[]): Promise<Timed> {
  return new Promise((resolve, reject) => {
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let bytes = 0;
    let lines = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      for (let index = chunk.indexOf(10); index !== -1; index = chunk.indexOf(10, index + 1)) lines += 1;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      clearInterval(sampler);
      if (code !== 0) reject(new Error(`${command} exited with ${code}`));
      else resolve({ seconds: (performance.now() - started) / 1000, bytes, lines, peakRss: Math.max(peakRss, process.memoryUsage().rss) });
    });
  });
}

const exportOver = (base: string, token: string, format: string) =>
  timedChild('curl', ['-sf', '-H', `Authorization: Bearer ${token}`, `${base}/v1/audit-logs/export?format=${format}`]);

const copyOf = (databaseUrl: string, companyId: string, options: string) =>
  timedChild('psql', [databaseUrl, '-qAtc',
    `COPY (SELECT ${AUDIT_ROW_COLUMNS.replaceAll('\n', ' ')} FROM audit_events WHERE company_id = '${companyId}' ORDER BY seq) TO STDOUT${options}`]);

const CHECKPOINTS = Number(process.env.AUDIT_BENCH_CHECKPOINTS ?? 50);

/** Median and 95th percentile (ms) of CHECKPOINTS sequential checkpoint creations; each is audited, so each signs a new head. */
async function timeCheckpoints(base: string, token: string): Promise<{ median: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < CHECKPOINTS; i += 1) {
    const started = performance.now();
    await request(base, 'POST', '/v1/audit-logs/checkpoints', {}, token);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], p95: times[Math.floor(times.length * 0.95)] };
}

async function checkpointCreation(
  base: string, dataSource: DataSource, seeded: { accessToken: string; company: { id: string } }, database: string,
): Promise<void> {
  // the seeded rows bypassed the chain writer: move the head to the last of them, as appends would have
  // (as the superuser of the private cluster, past the guard that lets the head move one seq at a time)
  await dataSource.transaction(async (manager) => {
    await manager.query(`SET LOCAL session_replication_role = replica`);
    await manager.query(
      `UPDATE audit_chain_heads h SET seq = e.seq, hash = e.hash
         FROM (SELECT seq, hash FROM audit_events WHERE company_id = $1 ORDER BY seq DESC LIMIT 1) e WHERE h.company_id = $1`,
      [seeded.company.id],
    );
  });
  const small = await request<{ accessToken: string }>(base, 'POST', '/v1/auth/signup', {
    companyName: 'Audit Bench Small', name: 'Bench Owner', email: `audit-bench-s-${Date.now()}@example.co.uk`, password: BENCH_PASSWORD,
  });
  await timeCheckpoints(base, small.accessToken); // warm-up
  const few = await timeCheckpoints(base, small.accessToken);
  const many = await timeCheckpoints(base, seeded.accessToken);
  console.log(`\n### Checkpoint creation (${database}; ${CHECKPOINTS} sequential POST /v1/audit-logs/checkpoints each)\n`);
  console.log('| company | events in its log | median ms | p95 ms | median ÷ small company\'s |');
  console.log('|---|---|---|---|---|');
  console.log(`| small | ${CHECKPOINTS + 1}–${CHECKPOINTS * 2 + 1} | ${few.median.toFixed(2)} | ${few.p95.toFixed(2)} | 1.00 |`);
  console.log(`| seeded | ${thousands(EVENTS + 1)} | ${many.median.toFixed(2)} | ${many.p95.toFixed(2)} | ${(many.median / few.median).toFixed(2)} |`);
}

async function main(): Promise<void> {
  const cluster = process.env.BENCH_DATABASE_URL ? undefined : await startPrivateCluster();
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? cluster!.url;
  const { running, base } = await startBenchApp(databaseUrl);
  const { app } = running;
  const database = cluster ? 'PostgreSQL 15, private cluster, default settings' : 'PostgreSQL at BENCH_DATABASE_URL';
  try {
    const signup = await request<{ accessToken: string; company: { id: string }; user: { id: string } }>(base, 'POST', '/v1/auth/signup', {
      companyName: 'Audit Bench', name: 'Bench Owner', email: `audit-bench-${Date.now()}@example.co.uk`, password: BENCH_PASSWORD,
    });
    const dataSource = app.get(DataSource);
    const seeding = performance.now();
    await seed(dataSource, signup.company.id, EVENTS);
    const seedSeconds = (performance.now() - seeding) / 1000;
    // a warm-up of the export path (JIT) and of the table's pages, then the measured runs
    await exportOver(base, signup.accessToken, 'ndjson');
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    const runs = [
      { name: 'export CSV (HTTP, curl)', ...(await exportOver(base, signup.accessToken, 'csv')) },
      { name: 'export NDJSON (HTTP, curl)', ...(await exportOver(base, signup.accessToken, 'ndjson')) },
    ];
    const ceilings = [
      { name: 'COPY … TO STDOUT (text)', ...(await copyOf(databaseUrl, signup.company.id, '')) },
      { name: 'COPY … TO STDOUT (CSV)', ...(await copyOf(databaseUrl, signup.company.id, ' WITH (FORMAT csv)')) },
    ];
    const ceiling = Math.max(...ceilings.map((run) => EVENTS / run.seconds));

    console.log(`\n### Audit export (${database}; ${thousands(EVENTS)} events seeded in ${seedSeconds.toFixed(1)} s)\n`);
    console.log(`Server RSS before the exports: ${mb(baseline)} MB. Ratio: events/s ÷ the faster COPY's events/s (${thousands(ceiling)}).\n`);
    console.log('| what | lines | size (MB) | time (s) | events/s | ratio to COPY | server RSS growth (MB) |');
    console.log('|---|---|---|---|---|---|---|');
    for (const run of [...runs, ...ceilings]) {
      const growth = runs.includes(run) ? String(Math.max(0, mb(run.peakRss - baseline))) : '–';
      console.log(`| ${run.name} | ${thousands(run.lines)} | ${mb(run.bytes)} | ${run.seconds.toFixed(2)} | ${thousands(EVENTS / run.seconds)} | ${
        (EVENTS / run.seconds / ceiling).toFixed(2)} | ${growth} |`);
    }

    await checkpointCreation(base, dataSource, signup, database);

    // write throughput: the same service call in one transaction, with and without the audit append
    const writer = app.get(AuditChainWriter, { strict: false });
    const accounts = app.get(AccountService, { strict: false });
    const uow = app.get(UnitOfWork);
    const second = await request<{ company: { id: string }; user: { id: string } }>(base, 'POST', '/v1/auth/signup', {
      companyName: 'Audit Bench Writes', name: 'Bench Owner', email: `audit-bench-w-${Date.now()}@example.co.uk`, password: BENCH_PASSWORD,
    });
    const principal: Principal = {
      type: 'user', credential: 'user_token', companyId: second.company.id, userId: second.user.id, role: 'owner', name: 'Bench Owner',
      scopes: ROLE_SCOPES.owner,
    };
    const once = (audited: boolean, i: number) =>
      uow.run(async () => {
        const result = await accounts.setIpAllowlist(principal, i % 2 ? [] : ['203.0.113.0/24']);
        if (audited) {
          await writer.append({
            companyId: principal.companyId, actor: { type: 'user', id: principal.userId, name: principal.name, publicId: null },
            ip: '127.0.0.1', userAgent: 'bench', requestId: `bench-${i}`, action: 'account.ip_allowlist.update', method: 'PUT',
            path: '/v1/account/ip-allowlist', resourceType: 'account', resourceId: result.id, status: 200, outcome: 'success',
            creditsSpent: 0, idempotencyKey: null, changes: null,
          });
        }
      });
    const rows = [];
    for (const audited of [false, true, false, true]) {
      const started = performance.now();
      for (let i = 0; i < WRITES; i += 1) await once(audited, i);
      const seconds = (performance.now() - started) / 1000;
      rows.push({ audited, perSecond: WRITES / seconds, ms: (seconds * 1000) / WRITES });
    }
    const [, , off, on] = rows; // the second round of each, warmed up
    console.log(`\n### Write throughput of one company (${database}, ${WRITES} sequential writes, PUT ip-allowlist service call in its transaction)\n`);
    console.log('| auditing | writes/s | mean latency (ms) |');
    console.log('|---|---|---|');
    console.log(`| off | ${off.perSecond.toFixed(0)} | ${off.ms.toFixed(2)} |`);
    console.log(`| on | ${on.perSecond.toFixed(0)} | ${on.ms.toFixed(2)} |`);
  } finally {
    await running.close();
    cluster?.stop();
  }
}

await main();
