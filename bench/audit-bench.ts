/**
 * `npm run bench:audit`: (1) export of AUDIT_BENCH_EVENTS (default 1,000,000) events of one company over
 * HTTP, CSV and NDJSON, with time and peak RSS of the process (app and client share it, so the figure is
 * an upper bound for the server); (2) write throughput of one company with the audit append on vs off:
 * the same service call (AccountService.setIpAllowlist) in the same kind of transaction, with and without
 * AuditChainWriter.append — production code has no switch to turn auditing off. Prints Markdown tables.
 *
 * Runs on BENCH_DATABASE_URL or DATABASE_URL (PostgreSQL); without one, on the embedded PGlite (set
 * AUDIT_BENCH_EVENTS lower there: one backend, in-process). The generated events are bulk-inserted with
 * generate_series; their hashes are placeholders (the export does not re-hash), not a valid chain.
 */
import { AccountService } from '../src/accounts/account.service.js';
import { AuditChainWriter } from '../src/audit/audit-chain-writer.js';
import type { Principal } from '../src/identity/principal.js';
import { UnitOfWork } from '../src/platform/database/unit-of-work.js';
import { BENCH_PASSWORD, request, startBenchApp } from './bench-app.js';
import { ROLE_SCOPES } from '../src/identity/scopes/scope-catalogue.js';
import { DataSource } from 'typeorm';

const EVENTS = Number(process.env.AUDIT_BENCH_EVENTS ?? 1_000_000);
const WRITES = Number(process.env.AUDIT_BENCH_WRITES ?? 500);
const databaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function seed(dataSource: DataSource, companyId: string, count: number): Promise<void> {
  await dataSource.query(
    `INSERT INTO audit_events (id, company_id, seq, occurred_at, actor_type, actor_id, actor_name, actor_public_id, ip,
       user_agent, request_id, action, method, path, resource_type, resource_id, status, outcome, credits_spent,
       idempotency_key, prev_hash, hash)
     SELECT gen_random_uuid(), $1, g, now() - make_interval(secs => $2 - g), 'user', gen_random_uuid(), 'Bench, "Owner"',
       NULL, '203.0.113.7', 'bench-agent/1.0', 'req-' || g, 'vehicle.create', 'POST', '/v1/vehicles', 'vehicle',
       gen_random_uuid()::text, 201, 'success', 0, NULL, repeat('0', 64), encode(sha256(g::text::bytea), 'hex')
     FROM generate_series(1, $2) AS g`,
    [companyId, count],
  );
}

async function timedExport(base: string, token: string, format: string): Promise<{ seconds: number; lines: number; megabytes: number; peakRss: number }> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const started = performance.now();
  const response = await fetch(`${base}/v1/audit-logs/export?format=${format}`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok || !response.body) throw new Error(`export ${format}: ${response.status}`);
  let bytes = 0;
  let lines = 0;
  for await (const chunk of response.body) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) lines += 1;
  }
  clearInterval(sampler);
  return { seconds: (performance.now() - started) / 1000, lines, megabytes: bytes / 1024 / 1024, peakRss: Math.max(peak, process.memoryUsage().rss) };
}

async function main(): Promise<void> {
  const { running, base } = await startBenchApp(databaseUrl);
  const { app } = running;
  const database = databaseUrl ? 'PostgreSQL' : 'PGlite';
  try {
    const signup = await request<{ accessToken: string; company: { id: string }; user: { id: string } }>(base, 'POST', '/v1/auth/signup', {
      companyName: 'Audit Bench', name: 'Bench Owner', email: `audit-bench-${Date.now()}@example.co.uk`, password: BENCH_PASSWORD,
    });
    const dataSource = app.get(DataSource);
    const seeding = performance.now();
    await seed(dataSource, signup.company.id, EVENTS);
    const seedSeconds = (performance.now() - seeding) / 1000;
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    const exports = [];
    for (const format of ['csv', 'ndjson']) exports.push({ format, ...(await timedExport(base, signup.accessToken, format)) });

    console.log(`\n### Audit export (${database}, ${EVENTS.toLocaleString('en-GB')} events; seeded in ${seedSeconds.toFixed(1)} s)\n`);
    console.log('| format | lines | size (MB) | time (s) | events/s | RSS before (MB) | peak RSS (MB) |');
    console.log('|---|---|---|---|---|---|---|');
    for (const row of exports) {
      console.log(`| ${row.format} | ${row.lines.toLocaleString('en-GB')} | ${row.megabytes.toFixed(0)} | ${row.seconds.toFixed(1)} | ${Math.round(EVENTS / row.seconds).toLocaleString('en-GB')} | ${mb(baseline)} | ${mb(row.peakRss)} |`);
    }

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
  }
}

await main();
