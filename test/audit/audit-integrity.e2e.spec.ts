import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditDraft } from '../../src/audit/audit-chain.js';
import { AuditChainWriter } from '../../src/audit/audit-chain-writer.js';
import { type AuditEventBody } from '../support/audit.js';
import { newCompany, type SignedUp } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('audit log integrity', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const events = async (company: SignedUp): Promise<AuditEventBody[]> => {
    const all: AuditEventBody[] = [];
    let cursor: string | null = null;
    do {
      const response = await app.http().get('/v1/audit-logs').query({ limit: 100, ...(cursor ? { cursor } : {}) }).set(company.auth).expect(200);
      const page = response.body as { data: AuditEventBody[]; nextCursor: string | null };
      all.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    return all.reverse();
  };

  /** Tampering as a superuser would: the trigger off for one statement, in one transaction so no other session sees it off. */
  const withAppendOnlyOff = async (sql: string, parameters: unknown[]): Promise<void> => {
    const runner = app.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      await runner.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`);
      await runner.query(sql, parameters);
      await runner.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`);
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  };

  describe('append-only, enforced by the database', () => {
    let company: SignedUp;
    beforeAll(async () => {
      company = await newCompany(app);
      await app.http().put('/v1/account/ip-allowlist').set(company.auth).send({ cidrs: [] }).expect(200);
    });

    it('refuses UPDATE', async () => {
      await expect(app.dataSource.query(`UPDATE audit_events SET action = 'forged' WHERE company_id = $1`, [company.companyId]))
        .rejects.toThrow(/append-only: UPDATE refused/);
    });

    it('refuses DELETE', async () => {
      await expect(app.dataSource.query(`DELETE FROM audit_events WHERE company_id = $1`, [company.companyId]))
        .rejects.toThrow(/append-only: DELETE refused/);
    });

    it('refuses TRUNCATE', async () => {
      // inside a transaction that is rolled back whatever happens: never a real truncate of a shared table
      const runner = app.dataSource.createQueryRunner();
      await runner.startTransaction();
      try {
        await expect(runner.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only: TRUNCATE refused/);
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
      expect((await events(company)).length).toBeGreaterThan(0);
    });
  });

  it('reports the first tampered event when verifying', async () => {
    const company = await newCompany(app);
    for (const cidrs of [[], ['203.0.113.0/24'], []]) {
      await app.http().put('/v1/account/ip-allowlist').set(company.auth).send({ cidrs }).expect(200);
    }
    const before = await events(company);
    const target = before[1];
    await withAppendOnlyOff(`UPDATE audit_events SET status = 500 WHERE id = $1`, [target.id]);
    const verdict = await app.http().get('/v1/audit-logs/verify').set(company.auth).expect(200);
    expect(verdict.body).toEqual({ valid: false, checked: 2, firstBrokenId: target.id });
    const later = await app.http().get('/v1/audit-logs/verify').query({ from: before[2].occurredAt }).set(company.auth).expect(200);
    expect(later.body).toMatchObject({ valid: true });
  });

  it('reports events deleted from the end of the chain', async () => {
    const company = await newCompany(app);
    for (const cidrs of [[], ['203.0.113.0/24'], []]) {
      await app.http().put('/v1/account/ip-allowlist').set(company.auth).send({ cidrs }).expect(200);
    }
    const before = await events(company);
    await withAppendOnlyOff(`DELETE FROM audit_events WHERE id = $1`, [before[2].id]);
    const verdict = await app.http().get('/v1/audit-logs/verify').set(company.auth).expect(200);
    expect(verdict.body).toEqual({ valid: false, checked: 2, missingFromSeq: before[2].seq });
  });

  it('keeps one gap-free chain when 100 audited writes of one company arrive at once over HTTP', async () => {
    const company = await newCompany(app);
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        app.http().put('/v1/account/ip-allowlist').set(company.auth).send({ cidrs: [`198.51.100.${i}`] }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(100).fill(200));
    const verdict = await app.http().get('/v1/audit-logs/verify').set(company.auth).expect(200);
    expect(verdict.body).toEqual({ valid: true, checked: 100 });
  });

  // Concurrency is driven through the chain writer every audited call uses, each append in its own
  // transaction: on PostgreSQL they really race for the company's chain head.
  it('keeps one unbroken, gap-free chain under 100 concurrent writes of one company, while another company writes too', async () => {
    const company = await newCompany(app);
    const neighbour = await newCompany(app);
    const writer = app.app.get(AuditChainWriter, { strict: false });
    const draft = (companyId: string, i: number): AuditDraft => ({
      companyId,
      actor: { type: 'user', id: null, name: 'load', publicId: null },
      ip: '127.0.0.1', userAgent: 'concurrency', requestId: `concurrent-${i}`, action: 'customer.create', method: 'POST',
      path: '/v1/customers', resourceType: 'customer', resourceId: null, status: 201, outcome: 'success', creditsSpent: 0,
      idempotencyKey: null,
    });
    await Promise.all([
      ...Array.from({ length: 100 }, (_, i) => writer.append(draft(company.companyId, i))),
      ...Array.from({ length: 20 }, (_, i) => writer.append(draft(neighbour.companyId, i))),
    ]);
    const all = await events(company);
    expect(all).toHaveLength(100);
    expect(all.map((event) => event.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all[0].prevHash).toBe('0'.repeat(64));
    for (let i = 1; i < all.length; i += 1) expect(all[i].prevHash).toBe(all[i - 1].hash);
    expect(new Set(all.map((event) => event.requestId)).size).toBe(100);
    expect((await app.http().get('/v1/audit-logs/verify').set(company.auth).expect(200)).body).toEqual({ valid: true, checked: 100 });
    expect((await app.http().get('/v1/audit-logs/verify').set(neighbour.auth).expect(200)).body).toEqual({ valid: true, checked: 20 });
  });
});
