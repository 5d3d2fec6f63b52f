import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditDraft } from '../../src/audit/audit-chain.js';
import { AuditChainWriter } from '../../src/audit/audit-chain-writer.js';
import { AuditExportService } from '../../src/audit/audit-export.service.js';
import type { Principal } from '../../src/identity/principal.js';
import { type AuditEventBody } from '../support/audit.js';
import { formatApiKey, newSecret } from '../../src/identity/api-keys/api-key-format.js';
import { expectProblem, newCompany, newTeamMember, PASSWORD, type SignedUp } from '../support/factories.js';
import { enableApi, keyAuth, newKey } from '../support/keys.js';
import { inRolledBackTransaction } from '../support/rolled-back.js';
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
  const withAppendOnlyOff = (sql: string, parameters: unknown[]): Promise<void> =>
    app.dataSource.transaction(async (manager) => {
      await manager.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`);
      await manager.query(sql, parameters);
      await manager.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`);
    });

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
      await inRolledBackTransaction(app.dataSource, (runner) =>
        expect(runner.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only: TRUNCATE refused/));
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
    expect(verdict.body).toEqual({
      valid: false, checked: 4, firstBrokenId: target.id,
      brokenRanges: [{ reason: 'altered', fromSeq: target.seq, toSeq: target.seq, firstId: target.id }],
    });
    const later = await app.http().get('/v1/audit-logs/verify').query({ from: before[2].occurredAt }).set(company.auth).expect(200);
    expect(later.body).toMatchObject({ valid: true });
  });

  it('reports events deleted from the end of the chain', async () => {
    const company = await newCompany(app);
    for (const cidrs of [[], ['203.0.113.0/24'], []]) {
      await app.http().put('/v1/account/ip-allowlist').set(company.auth).send({ cidrs }).expect(200);
    }
    const before = await events(company);
    const last = before[before.length - 1];
    await withAppendOnlyOff(`DELETE FROM audit_events WHERE id = $1`, [last.id]);
    const verdict = await app.http().get('/v1/audit-logs/verify').set(company.auth).expect(200);
    expect(verdict.body).toEqual({
      valid: false, checked: before.length - 1, missingFromSeq: last.seq,
      brokenRanges: [{ reason: 'missing', fromSeq: last.seq, toSeq: last.seq, firstId: null }],
    });
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
    // the sign-up's own event, then the 100 writes
    expect(verdict.body).toEqual({ valid: true, checked: 101 });
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
      idempotencyKey: null, changes: null,
    });
    await Promise.all([
      ...Array.from({ length: 100 }, (_, i) => writer.append(draft(company.companyId, i))),
      ...Array.from({ length: 20 }, (_, i) => writer.append(draft(neighbour.companyId, i))),
    ]);
    // each company's chain starts with its sign-up event
    const all = await events(company);
    expect(all).toHaveLength(101);
    expect(all.map((event) => event.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all[0].prevHash).toBe('0'.repeat(64));
    for (let i = 1; i < all.length; i += 1) expect(all[i].prevHash).toBe(all[i - 1].hash);
    expect(new Set(all.slice(1).map((event) => event.requestId)).size).toBe(100);
    expect((await app.http().get('/v1/audit-logs/verify').set(company.auth).expect(200)).body).toEqual({ valid: true, checked: 101 });
    expect((await app.http().get('/v1/audit-logs/verify').set(neighbour.auth).expect(200)).body).toEqual({ valid: true, checked: 21 });
  });

  describe('verify checks the whole chain and reports every broken part', () => {
    it('reports events missing at the start and in the middle, and every altered event, not only the first', async () => {
      const company = await newCompany(app);
      // seq 1 is the sign-up's event
      for (let i = 0; i < 7; i += 1) {
        await app.http().put('/v1/account/ip-allowlist').set(company.auth).send({ cidrs: [`198.51.100.${i}`] }).expect(200);
      }
      const before = await events(company);
      expect(before.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      await withAppendOnlyOff(`DELETE FROM audit_events WHERE company_id = $1 AND seq IN (1, 2, 5)`, [company.companyId]);
      await withAppendOnlyOff(`UPDATE audit_events SET status = 500 WHERE company_id = $1 AND seq = 7`, [company.companyId]);

      const verdict = await app.http().get('/v1/audit-logs/verify').set(company.auth).expect(200);
      expect(verdict.body).toEqual({
        valid: false,
        checked: 5,
        firstBrokenId: before[2].id,
        brokenRanges: [
          { reason: 'missing', fromSeq: 1, toSeq: 2, firstId: null },
          { reason: 'missing', fromSeq: 5, toSeq: 5, firstId: null },
          { reason: 'altered', fromSeq: 7, toSeq: 7, firstId: before[6].id },
        ],
      });
    });

    it('reports the oldest events deleted, which a check from the first remaining event would miss', async () => {
      const company = await newCompany(app);
      // seq 1 is the sign-up's event
      for (let i = 0; i < 4; i += 1) {
        await app.http().put('/v1/account/ip-allowlist').set(company.auth).send({ cidrs: [`198.51.100.${i}`] }).expect(200);
      }
      await withAppendOnlyOff(`DELETE FROM audit_events WHERE company_id = $1 AND seq <= 3`, [company.companyId]);
      const verdict = await app.http().get('/v1/audit-logs/verify').set(company.auth).expect(200);
      expect(verdict.body).toMatchObject({ valid: false, checked: 2, brokenRanges: [{ reason: 'missing', fromSeq: 1, toSeq: 3, firstId: null }] });
    });
  });

  describe('the chain head', () => {
    it('cannot be moved backwards, deleted or jumped ahead, even by a superuser', async () => {
      const company = await newCompany(app);
      await app.http().put('/v1/account/ip-allowlist').set(company.auth).send({ cidrs: [] }).expect(200);
      await expect(app.dataSource.query(`UPDATE audit_chain_heads SET seq = seq - 1 WHERE company_id = $1`, [company.companyId]))
        .rejects.toThrow(/only moves forward/);
      await expect(app.dataSource.query(`UPDATE audit_chain_heads SET seq = seq + 5 WHERE company_id = $1`, [company.companyId]))
        .rejects.toThrow(/only moves forward/);
      await expect(app.dataSource.query(`UPDATE audit_chain_heads SET hash = repeat('f', 64) WHERE company_id = $1`, [company.companyId]))
        .rejects.toThrow(/only moves forward/);
      await expect(app.dataSource.query(`DELETE FROM audit_chain_heads WHERE company_id = $1`, [company.companyId]))
        .rejects.toThrow(/DELETE refused/);
      // the sign-up's event and the allowlist change
      expect((await app.http().get('/v1/audit-logs/verify').set(company.auth).expect(200)).body).toEqual({ valid: true, checked: 2 });
    });
  });

  describe('the audit tables belong to a role the service is not', () => {
    /** Runs `sql` as a throwaway role holding exactly the service's grants, in a transaction that is rolled back. */
    const asServiceRole = async (sql: string): Promise<void> => {
      const runner = app.dataSource.createQueryRunner();
      await runner.startTransaction();
      try {
        await runner.query(`CREATE ROLE fg_audit_probe NOLOGIN`);
        await runner.query(`GRANT SELECT, INSERT ON audit_events TO fg_audit_probe`);
        await runner.query(`GRANT SELECT, INSERT, UPDATE (seq, hash) ON audit_chain_heads TO fg_audit_probe`);
        await runner.query(`SET LOCAL ROLE fg_audit_probe`);
        await runner.query(sql);
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
    };

    it('owns audit_events, audit_chain_heads and their trigger functions', async () => {
      const owners = await app.dataSource.query<Array<{ owner: string }>>(
        `SELECT tableowner AS owner FROM pg_tables WHERE tablename IN ('audit_events', 'audit_chain_heads')
         UNION ALL SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname IN ('audit_events_refuse_change', 'audit_chain_heads_forward_only')`,
      );
      expect(owners.map((row) => row.owner)).toEqual(Array(4).fill('fleetgate_audit_owner'));
    });

    it('so a role with the service\'s grants can neither switch the append-only trigger off nor change an event', async () => {
      await expect(asServiceRole(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`)).rejects.toThrow(/must be owner/);
      await expect(asServiceRole(`ALTER TABLE audit_chain_heads DISABLE TRIGGER audit_chain_heads_forward_only`)).rejects.toThrow(/must be owner/);
      await expect(asServiceRole(`UPDATE audit_events SET status = 200`)).rejects.toThrow(/permission denied/);
      await expect(asServiceRole(`DELETE FROM audit_events`)).rejects.toThrow(/permission denied/);
    });
  });

  describe('unicode', () => {
    it('records a name of "a" and 199 emoji whole, and the chain verifies', async () => {
      const owner = await newCompany(app);
      const name = `a${'😀'.repeat(199)}`;
      const member = await newTeamMember(app, owner, 'owner');
      await app.http().patch(`/v1/account/users/${member.userId}`).set(owner.auth).send({ name }).expect(200);
      const login = await app.http().post('/v1/auth/login').send({ email: member.email, password: PASSWORD }).expect(200);
      const auth = { Authorization: `Bearer ${(login.body as { accessToken: string }).accessToken}` };
      await app.http().put('/v1/account/ip-allowlist').set(auth).send({ cidrs: [] }).expect(200);
      const stored = await app.dataSource.query<Array<{ actor_name: string }>>(
        `SELECT actor_name FROM audit_events WHERE company_id = $1 AND actor_id = $2 AND action = 'account.ip_allowlist.update'`, [owner.companyId, member.userId],
      );
      expect(stored.map((row) => row.actor_name)).toEqual([name]);
      expect((await app.http().get('/v1/audit-logs/verify').set(owner.auth).expect(200)).body).toMatchObject({ valid: true });
    });

    it('cuts an over-long value at a character boundary and hashes exactly what is stored', async () => {
      const company = await newCompany(app);
      const writer = app.app.get(AuditChainWriter, { strict: false });
      await writer.append({
        companyId: company.companyId,
        actor: { type: 'user', id: null, name: `${'😀'.repeat(250)}`, publicId: null },
        ip: null, userAgent: `agent \uD800 lone`, requestId: 'unicode-cut', action: 'customer.create', method: 'POST',
        path: '/v1/customers', resourceType: 'customer', resourceId: null, status: 201, outcome: 'success', creditsSpent: 0,
        idempotencyKey: null,
      });
      const [row] = await app.dataSource.query<Array<{ actor_name: string; user_agent: string }>>(
        `SELECT actor_name, user_agent FROM audit_events WHERE company_id = $1 AND request_id = 'unicode-cut'`, [company.companyId],
      );
      expect(row.actor_name).toBe('😀'.repeat(200));
      expect(row.user_agent).toBe('agent \uFFFD lone');
      expect((await app.http().get('/v1/audit-logs/verify').set(company.auth).expect(200)).body).toMatchObject({ valid: true });
    });
  });

  describe('credentials that did not verify', () => {
    it('a vk_<publicId>_wrong bearer records nothing in that key\'s company log', async () => {
      const owner = await newCompany(app);
      await enableApi(app, owner);
      const key = await newKey(app, owner, { scopes: ['vehicles:write'] });
      const headSeq = async () => Number((await app.dataSource.query<Array<{ seq: string }>>(
        `SELECT seq FROM audit_chain_heads WHERE company_id = $1`, [owner.companyId],
      ))[0].seq);
      const before = await headSeq();
      for (const bearer of [`vk_${key.publicId}_wrong`, formatApiKey(key.publicId, newSecret(key.publicId))]) {
        expectProblem(await app.http().post('/v1/vehicles').set(keyAuth(bearer)).send({ registration: 'AB12CDE' }), 401, 'invalid_credentials');
      }
      expect(await headSeq()).toBe(before);
      // the same key with its real secret but a missing scope is identifiable: that denial is recorded
      expectProblem(await app.http().post('/v1/customers').set(key.auth).send({}), 403, 'insufficient_scope');
      expect(await headSeq()).toBe(before + 1);
    });
  });

  describe('scans of the whole log', () => {
    it('runs one export per company at a time: a second one meanwhile is refused with 429 until the first ends', async () => {
      const company = await newCompany(app);
      const other = await newCompany(app);
      const exporter = app.app.get(AuditExportService, { strict: false });
      const principal = (of: SignedUp) => ({ companyId: of.companyId }) as Principal;
      const first = await exporter.export(principal(company), { format: 'ndjson' });
      await expect(exporter.export(principal(company), { format: 'csv' })).rejects.toMatchObject({ status: 429 });
      const response = await app.http().get('/v1/audit-logs/verify').set(company.auth);
      expectProblem(response, 429, 'rate_limited');
      expect(response.headers['retry-after']).toBe('5');
      // another company is not held up
      (await exporter.export(principal(other), { format: 'csv' })).getStream().destroy();
      const stream = first.getStream();
      stream.destroy();
      await new Promise((resolve) => stream.once('close', resolve));
      // the slot is freed as the stream closes (one DELETE)
      await expect.poll(async () => (await app.http().get('/v1/audit-logs/verify').set(company.auth)).status).toBe(200);
    });
  });
});
