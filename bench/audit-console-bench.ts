/**
 * `npm run bench:console`: the console's audit table with AUDIT_CONSOLE_BENCH_EVENTS (default 100,000)
 * events in one company, on the embedded database (the app in this process, as bench-app starts it).
 * The events are generated and chained in this process with the server's own chainHash (the same helpers
 * as the verifier bench), bulk-inserted 10,000 a statement after the company's sign-up event, and the
 * chain head moved to the last one, so the chain stays valid (checked with GET /v1/audit-logs/verify at
 * the end). Then, each the median of AUDIT_CONSOLE_BENCH_ROUNDS (default 7) rounds after one warm-up:
 * - the API's first page (`GET /v1/audit-logs?limit=50`, what the console asks for);
 * - the console in headless Chromium (/usr/bin/chromium or CHROMIUM_PATH): in the app, a click on Audit
 *   from a freshly loaded overview until the first row is in the table (the lazy page chunk and the list
 *   call); and a full navigation to /console/audit until the first rows are rendered (`performance.now()`
 *   of that document, so the session refresh, /v1/auth/me and the list call are all in it), counting
 *   the audit list requests the page made and the rows it shows (no full-list load: one request, one page).
 * Prints a Markdown table. Needs the console built (`npm run build:web`).
 */
import 'reflect-metadata';
import { chromium } from 'playwright-core';
import { DataSource } from 'typeorm';
import { chainHash } from '../src/audit/audit-chain.js';
import { type AuditEvent, toChained } from '../src/audit/audit-event.entity.js';
import { auditRow, random } from '../test/support/audit-exports.js';
import { BENCH_PASSWORD, benchEmail, request, startBenchApp } from './bench-app.js';

const EVENTS = Number(process.env.AUDIT_CONSOLE_BENCH_EVENTS ?? 100_000);
const ROUNDS = Number(process.env.AUDIT_CONSOLE_BENCH_ROUNDS ?? 5);
const BATCH = 10_000;
const COLUMNS = [
  ['id', 'uuid'], ['company_id', 'uuid'], ['seq', 'bigint'], ['occurred_at', 'timestamptz'], ['actor_type', 'text'], ['actor_id', 'uuid'],
  ['actor_name', 'text'], ['actor_public_id', 'text'], ['ip', 'text'], ['user_agent', 'text'], ['request_id', 'text'], ['action', 'text'],
  ['method', 'text'], ['path', 'text'], ['resource_type', 'text'], ['resource_id', 'text'], ['status', 'integer'], ['outcome', 'text'],
  ['credits_spent', 'integer'], ['idempotency_key', 'text'], ['prev_hash', 'text'], ['hash', 'text'], ['changes', 'text'],
] as const;
const FIELDS: (keyof AuditEvent)[] = [
  'id', 'companyId', 'seq', 'occurredAt', 'actorType', 'actorId', 'actorName', 'actorPublicId', 'ip', 'userAgent', 'requestId', 'action',
  'method', 'path', 'resourceType', 'resourceId', 'status', 'outcome', 'creditsSpent', 'idempotencyKey', 'prevHash', 'hash', 'changes',
];
const INSERT = `INSERT INTO audit_events (${COLUMNS.map(([name]) => name).join(', ')})
  SELECT * FROM unnest(${COLUMNS.map(([, type], index) => `$${index + 1}::${type}[]`).join(', ')})`;

/** Appends `count` chained events after the company's current head, then moves the head: one valid chain. */
async function seed(dataSource: DataSource, companyId: string, count: number): Promise<void> {
  const [head] = await dataSource.query<Array<{ seq: string; hash: string }>>('SELECT seq, hash FROM audit_chain_heads WHERE company_id = $1', [companyId]);
  const next = random(18);
  let seq = Number(head.seq);
  // about one event a second, the newest a second ago
  const start = Date.now() - (seq + count + 1) * 1000;
  let prevHash = head.hash;
  for (let done = 0; done < count; done += BATCH) {
    const rows: AuditEvent[] = [];
    for (let index = 0; index < Math.min(BATCH, count - done); index += 1) {
      seq += 1;
      const row = auditRow(companyId, seq, next, start);
      row.prevHash = prevHash;
      row.hash = chainHash(toChained(row), prevHash);
      prevHash = row.hash;
      rows.push(row);
    }
    await dataSource.query(INSERT, FIELDS.map((field) => rows.map((row) => row[field])));
  }
  // the guard trigger lets the head move one seq at a time only (the hash it does not check: verify does);
  // a commit every 1,000 steps lets PostgreSQL prune the head row's old versions as it goes. Both values
  // are a uuid and 64 hex digits the bench made itself, so they can be spelled into the block.
  for (let from = Number(head.seq) + 1; from <= seq; from += 1000) {
    await dataSource.query(`DO $$
      BEGIN
        FOR step IN ${from}..${Math.min(from + 999, seq)} LOOP
          UPDATE audit_chain_heads SET seq = step, hash = CASE WHEN step = ${seq} THEN '${prevHash}' ELSE hash END WHERE company_id = '${companyId}';
        END LOOP;
      END $$`);
  }
  await dataSource.query('VACUUM audit_chain_heads');
  await dataSource.query('ANALYZE audit_events');
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const max = (values: number[]) => Math.max(...values);

async function main(): Promise<void> {
  const { running, base } = await startBenchApp(undefined);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const email = benchEmail('console');
    const signup = await request<{ accessToken: string; company: { id: string } }>(base, 'POST', '/v1/auth/signup', {
      companyName: 'Console Bench Ltd', name: 'Bench Owner', email, password: BENCH_PASSWORD,
    });
    const seeding = performance.now();
    await seed(running.app.get(DataSource), signup.company.id, EVENTS);
    const seededSeconds = (performance.now() - seeding) / 1000;

    const api: number[] = [];
    for (let round = 0; round <= ROUNDS; round += 1) {
      const started = performance.now();
      const page = await request<{ data: unknown[]; nextCursor: string | null }>(base, 'GET', '/v1/audit-logs?limit=50', undefined, signup.accessToken);
      if (page.data.length !== 50 || !page.nextCursor) throw new Error('the first page is not 50 events with a next cursor');
      if (round > 0) api.push(performance.now() - started);
    }

    const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto('/console/sign-in');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(BENCH_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation', { name: 'Console' }).waitFor();
    const consoleMs: number[] = [];
    const inAppMs: number[] = [];
    const listCallMs: number[] = [];
    const listRequests: number[] = [];
    const rowsShown: number[] = [];
    for (let round = 0; round <= ROUNDS; round += 1) {
      let requests = 0;
      page.on('request', (sent) => {
        if (new URL(sent.url()).pathname === '/v1/audit-logs') requests += 1;
      });
      // (1) a full load of /console/audit: the session refresh, /v1/auth/me and the list call included
      await page.goto('/console/audit');
      const rows = page.getByRole('table', { name: /Audit events/ }).getByRole('row');
      await rows.nth(1).waitFor();
      const rendered = await page.evaluate(() => performance.now());
      const listCall = await page.evaluate(
        () => performance.getEntriesByType('resource').filter((entry) => new URL(entry.name).pathname === '/v1/audit-logs').map((entry) => entry.duration)[0] ?? NaN,
      );
      page.removeAllListeners('request');
      const shown = (await rows.count()) - 1;
      // (2) in the app: from the overview (fresh page, empty query cache), a click on Audit until the first row is in the table
      await page.goto('/console/');
      await page.getByRole('navigation', { name: 'Console' }).waitFor();
      // (page code as text: the bench is compiled without the DOM types)
      const inApp = await page.evaluate<number>(`new Promise((resolve) => {
        const started = performance.now();
        const observer = new MutationObserver(() => {
          if (document.querySelector('table.data-table tbody tr')) {
            observer.disconnect();
            resolve(performance.now() - started);
          }
        });
        observer.observe(document.body, { subtree: true, childList: true });
        document.querySelector('nav[aria-label="Console"] a[href="/console/audit"]').click();
      })`);
      if (round === 0) continue;
      consoleMs.push(rendered);
      inAppMs.push(inApp);
      listCallMs.push(listCall);
      listRequests.push(requests);
      rowsShown.push(shown);
    }

    const verify = await request<{ valid: boolean; checked: number }>(base, 'GET', '/v1/audit-logs/verify', undefined, signup.accessToken);
    if (!verify.valid) throw new Error('the seeded chain does not verify');

    console.log(`\n### Audit table with ${EVENTS.toLocaleString('en-GB')} events in the company (embedded database, ${new Date().toISOString().slice(0, 16)}Z)\n`);
    console.log(`Seeded and chained in ${seededSeconds.toFixed(1)} s; GET /v1/audit-logs/verify: valid, ${verify.checked.toLocaleString('en-GB')} events re-hashed.\n`);
    console.log('| measured | median | max | rounds |');
    console.log('|---|---:|---:|---:|');
    console.log(`| API first page (\`GET /v1/audit-logs?limit=50\`) | ${median(api).toFixed(1)} ms | ${max(api).toFixed(1)} ms | ${ROUNDS} |`);
    console.log(`| console, in the app: click on Audit → first rows rendered | ${Math.round(median(inAppMs))} ms | ${Math.round(max(inAppMs))} ms | ${ROUNDS} |`);
    console.log(`| console, full load of /console/audit → first rows rendered (session refresh, me, JS included) | ${Math.round(median(consoleMs))} ms | ${Math.round(max(consoleMs))} ms | ${ROUNDS} |`);
    console.log(`| the list call as the browser saw it (resource timing) | ${median(listCallMs).toFixed(1)} ms | ${max(listCallMs).toFixed(1)} ms | ${ROUNDS} |`);
    console.log(`| audit list requests per page load | ${median(listRequests)} | ${max(listRequests)} | ${ROUNDS} |`);
    console.log(`| rows rendered per page load | ${median(rowsShown)} | ${max(rowsShown)} | ${ROUNDS} |`);
  } finally {
    await browser.close();
    await running.close();
  }
}

await main();
