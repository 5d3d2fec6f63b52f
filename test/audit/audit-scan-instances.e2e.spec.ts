import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditExportService } from '../../src/audit/audit-export.service.js';
import type { Principal } from '../../src/identity/principal.js';
import { expectProblem, newCompany } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Two app instances on one database: a company's full-log scans (export, verify) run one at a time across both. */
describe('audit log scans across instances', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    first = await startTestApp();
    second = await startTestApp({ databaseUrl: first.databaseUrl });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('refuses a second export or verify on the other instance with 429 while one runs, and serves it once that one ends', async () => {
    const company = await newCompany(first);
    const other = await newCompany(first);
    const running = await first.app.get(AuditExportService, { strict: false }).export({ companyId: company.companyId } as Principal, { format: 'ndjson' });

    const refusedExport = expectProblem(await second.http().get('/v1/audit-logs/export').query({ format: 'csv' }).set(company.auth), 429, 'rate_limited');
    expect(refusedExport).toMatchObject({ detail: expect.stringContaining('already running') as string });
    const refusedVerify = await second.http().get('/v1/audit-logs/verify').set(company.auth);
    expectProblem(refusedVerify, 429, 'rate_limited');
    expect(refusedVerify.headers['retry-after']).toBe('5');
    // another company's scans are not held up
    await second.http().get('/v1/audit-logs/verify').set(other.auth).expect(200);

    const stream = running.getStream();
    stream.destroy();
    await new Promise((resolve) => stream.once('close', resolve));
    await expect.poll(async () => (await second.http().get('/v1/audit-logs/verify').set(company.auth)).status).toBe(200);
    await second.http().get('/v1/audit-logs/export').query({ format: 'csv' }).set(company.auth).expect(200);
  });

  it('takes over the slot of a scan whose instance died (its lease ran out without renewal)', async () => {
    const company = await newCompany(first);
    // what a scan on an instance killed mid-stream leaves behind, once its lease has run out
    await first.dataSource.query(
      `INSERT INTO company_scan_leases (company_id, holder, expires_at) VALUES ($1, gen_random_uuid(), now() + interval '1 hour')`,
      [company.companyId],
    );
    expectProblem(await second.http().get('/v1/audit-logs/verify').set(company.auth), 429, 'rate_limited');
    await first.dataSource.query(`UPDATE company_scan_leases SET expires_at = now() - interval '1 second' WHERE company_id = $1`, [company.companyId]);
    await second.http().get('/v1/audit-logs/verify').set(company.auth).expect(200);
  });
});
