import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventBody } from '../support/audit.js';
import { expectProblem, newCompany, newTeamMember, type SignedUp } from '../support/factories.js';
import { enableApi, newKey } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

type KeyBody = Record<string, unknown> & { publicId: string };

describe('API keys (contract 1.1): editing, effective scopes, creators and rotation', () => {
  let app: TestApp;
  let owner: SignedUp;
  beforeAll(async () => {
    app = await startTestApp();
    owner = await newCompany(app);
    await enableApi(app, owner);
  });
  afterAll(() => app.close());

  const auditOf = async (who: SignedUp, query: Record<string, string>): Promise<AuditEventBody[]> =>
    ((await app.http().get('/v1/audit-logs').query(query).set(who.auth).expect(200)).body as { data: AuditEventBody[] }).data;

  describe('PATCH /v1/api-keys/{publicId}', () => {
    it('changes name, description, allowlist, expiry and cap, and records what changed', async () => {
      const key = await newKey(app, owner, { name: 'Old name', dailyCreditLimit: 5 });
      const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
      const response = await app.http().patch(`/v1/api-keys/${key.publicId}`).set(owner.auth)
        .send({ name: 'New name', description: 'Yard tablets', ipAllowlist: '203.0.113.0/24, 2001:db8::1', expiresAt, dailyCreditLimit: 100 })
        .expect(200);
      expect(response.body).toMatchObject({
        publicId: key.publicId, name: 'New name', description: 'Yard tablets', ipAllowlist: ['203.0.113.0/24', '2001:db8::1/128'],
        expiresAt, dailyCreditLimit: 100, scopes: key.body.scopes, status: 'ACTIVE',
      });
      const [event] = await auditOf(owner, { action: 'api_key.update', resourceId: key.publicId });
      expect(event.changes).toEqual({
        name: { from: 'Old name', to: 'New name' },
        description: { from: null, to: 'Yard tablets' },
        ipAllowlist: { from: [], to: ['203.0.113.0/24', '2001:db8::1/128'] },
        expiresAt: { from: null, to: expiresAt },
        dailyCreditLimit: { from: 5, to: 100 },
      });
      const cleared = await app.http().patch(`/v1/api-keys/${key.publicId}`).set(owner.auth).send({ expiresAt: null, dailyCreditLimit: null }).expect(200);
      expect(cleared.body).toMatchObject({ expiresAt: null, dailyCreditLimit: null, name: 'New name' });
    });

    it('keeps the key working with its secret after an edit', async () => {
      const key = await newKey(app, owner);
      await app.http().patch(`/v1/api-keys/${key.publicId}`).set(owner.auth).send({ name: 'Renamed' }).expect(200);
      const me = await app.http().get('/v1/auth/me').set(key.auth).expect(200);
      expect(me.body).toMatchObject({ type: 'api_key', publicId: key.publicId });
    });

    it('refuses scopes or a preset with 400 naming the property, and changes nothing', async () => {
      const key = await newKey(app, owner);
      for (const body of [{ scopes: ['vehicles:write'] }, { preset: 'full-fleet-management' }]) {
        const field = Object.keys(body)[0];
        const problem = expectProblem(await app.http().patch(`/v1/api-keys/${key.publicId}`).set(owner.auth).send({ name: 'x', ...body }), 400, 'validation_failed');
        expect(problem.errors).toEqual([expect.objectContaining({ field, message: expect.stringContaining('create a new key') as unknown })]);
      }
      const read = await app.http().get(`/v1/api-keys/${key.publicId}`).set(owner.auth).expect(200);
      expect(read.body).toMatchObject({ name: 'Test key', scopes: key.body.scopes });
    });

    it('refuses an expiry in the past, a cap out of range and a bad allowlist entry', async () => {
      const key = await newKey(app, owner);
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
        [{ dailyCreditLimit: 1_000_001 }, 'dailyCreditLimit'],
        [{ dailyCreditLimit: -1 }, 'dailyCreditLimit'],
        [{ ipAllowlist: ['not-an-ip'] }, 'ipAllowlist[0]'],
        [{ name: '' }, 'name'],
      ];
      for (const [body, field] of cases) {
        const problem = expectProblem(await app.http().patch(`/v1/api-keys/${key.publicId}`).set(owner.auth).send(body), 400, 'validation_failed');
        expect(problem.errors).toEqual([expect.objectContaining({ field })]);
      }
    });

    it('answers 409 conflict for a revoked key', async () => {
      const key = await newKey(app, owner);
      await app.http().delete(`/v1/api-keys/${key.publicId}`).set(owner.auth).expect(200);
      expectProblem(await app.http().patch(`/v1/api-keys/${key.publicId}`).set(owner.auth).send({ name: 'Too late' }), 409, 'conflict');
    });

    it("answers 404 for another company's key and 403 to an auditor", async () => {
      const key = await newKey(app, owner);
      const stranger = await newCompany(app);
      expectProblem(await app.http().patch(`/v1/api-keys/${key.publicId}`).set(stranger.auth).send({ name: 'Mine now' }), 404, 'not_found');
      const auditor = await newTeamMember(app, owner, 'auditor');
      expectProblem(await app.http().patch(`/v1/api-keys/${key.publicId}`).set(auditor.auth).send({ name: 'Mine now' }), 403, 'role_forbidden');
      expectProblem(await app.http().patch(`/v1/api-keys/${key.publicId}`).set(key.auth).send({ name: 'Mine now' }), 403, 'user_token_required');
    });
  });

  describe('GET /v1/api-keys', () => {
    it('shows each key with its creator and effective scopes, which shrink when the creator is demoted', async () => {
      const admin = await newTeamMember(app, owner, 'admin');
      const key = await newKey(app, admin, { scopes: ['vehicles:write', 'audit:read'] });
      expect(key.body).toMatchObject({
        creator: { id: admin.userId, name: 'A admin', role: 'admin' },
        effectiveScopes: ['vehicles:read', 'vehicles:write', 'audit:read'],
        revokedAt: null, revokedReason: null, previousSecretExpiresAt: null,
      });
      await app.http().patch(`/v1/account/users/${admin.userId}`).set(owner.auth).send({ role: 'member' }).expect(200);
      const read = await app.http().get(`/v1/api-keys/${key.publicId}`).set(owner.auth).expect(200);
      expect(read.body).toMatchObject({
        status: 'ACTIVE', scopes: ['vehicles:write', 'audit:read'],
        effectiveScopes: ['vehicles:read', 'vehicles:write'], creator: { id: admin.userId, role: 'member' },
      });
      const [event] = await auditOf(owner, { action: 'user.update', resourceId: admin.userId });
      expect(event.changes).toEqual({ role: { from: 'admin', to: 'member' } });
    });

    it('filters by a case-insensitive substring of name or description, and by status', async () => {
      const company = await newCompany(app);
      await enableApi(app, company);
      const depot = await newKey(app, company, { name: 'North DEPOT tablets' });
      const billing = await newKey(app, company, { name: 'Billing', description: 'Runs at the depot office' });
      const other = await newKey(app, company, { name: 'Website 100%_done' });
      const revoked = await newKey(app, company, { name: 'Old depot key' });
      await app.http().delete(`/v1/api-keys/${revoked.publicId}`).set(company.auth).expect(200);
      const ids = async (query: Record<string, string>) =>
        ((await app.http().get('/v1/api-keys').query(query).set(company.auth).expect(200)).body as { data: KeyBody[] }).data.map((key) => key.publicId);
      expect(await ids({ q: 'depot' })).toEqual([billing.publicId, depot.publicId]);
      expect(await ids({ q: 'depot', includeRevoked: 'true' })).toEqual([revoked.publicId, billing.publicId, depot.publicId]);
      expect(await ids({ q: '%_' })).toEqual([other.publicId]);
      expect(await ids({ status: 'REVOKED' })).toEqual([revoked.publicId]);
      expect(await ids({ status: 'ACTIVE' })).toEqual([other.publicId, billing.publicId, depot.publicId]);
      expectProblem(await app.http().get('/v1/api-keys').query({ status: 'GONE' }).set(company.auth), 400, 'validation_failed');
    });
  });

  describe('removing a user', () => {
    it('revokes their keys in the same transaction, with one audit event and one webhook per key', async () => {
      const company = await newCompany(app);
      await enableApi(app, company);
      const admin = await newTeamMember(app, company, 'admin');
      const keys = [await newKey(app, admin), await newKey(app, admin)];
      const survivor = await newKey(app, company);
      await app.http().delete(`/v1/account/users/${admin.userId}`).set(company.auth).expect(204);

      const listed = ((await app.http().get('/v1/api-keys?includeRevoked=true').set(company.auth).expect(200)).body as { data: KeyBody[] }).data;
      for (const key of keys) {
        expect(listed.find((item) => item.publicId === key.publicId)).toMatchObject({ status: 'REVOKED', revokedReason: 'creator_removed', effectiveScopes: [] });
        const problem = expectProblem(await app.http().get('/v1/auth/me').set(key.auth), 401, 'api_key_revoked');
        expect(problem.detail).toMatch(/created it was removed/);
      }
      expect(listed.find((item) => item.publicId === survivor.publicId)).toMatchObject({ status: 'ACTIVE', revokedReason: null });

      const events = await auditOf(company, { action: 'api_key.revoke' });
      expect(events.map((event) => event.resourceId).sort()).toEqual(keys.map((key) => key.publicId).sort());
      expect(events.every((event) => event.actor.id === company.userId && event.path === `/v1/account/users/${admin.userId}`)).toBe(true);
      const outbox = await app.dataSource.query<Array<{ data: { publicId: string; revokedReason: string } }>>(
        `SELECT data FROM outbox_events WHERE company_id = $1 AND type = 'api_key.revoked'`, [company.companyId]);
      expect(outbox.map((row) => row.data.publicId).sort()).toEqual(keys.map((key) => key.publicId).sort());
      expect(outbox.every((row) => row.data.revokedReason === 'creator_removed')).toBe(true);
    });
  });

  describe('rotation', () => {
    it('shows rotatedAt and previousSecretExpiresAt, and tells an old secret it was rotated, not revoked', async () => {
      const key = await newKey(app, owner);
      const rotated = await app.http().post(`/v1/api-keys/${key.publicId}/rotate`).set(owner.auth).send({ gracePeriodSeconds: 600 }).expect(200);
      const body = rotated.body as KeyBody;
      expect(typeof body.rotatedAt).toBe('string');
      expect(Date.parse(body.previousSecretExpiresAt as string) - Date.parse(body.rotatedAt as string)).toBe(600_000);
      await app.http().get('/v1/auth/me').set(key.auth).expect(200);

      const again = await app.http().post(`/v1/api-keys/${key.publicId}/rotate`).set(owner.auth).send({}).expect(200);
      expect((again.body as KeyBody).previousSecretExpiresAt).toBeNull();
      const problem = expectProblem(await app.http().get('/v1/auth/me').set(key.auth), 401, 'api_key_revoked');
      expect(problem.detail).toMatch(/replaced by a rotation/);
      expect(problem.detail).not.toMatch(/has been revoked/);
      expect(problem.rotatedAt).toBe((again.body as KeyBody).rotatedAt);
    });
  });

  describe('Authorization: ApiKey vk_…', () => {
    it('is accepted wherever Bearer vk_… is, and refused alike when the key is wrong', async () => {
      const key = await newKey(app, owner, { scopes: ['vehicles:read'] });
      const me = await app.http().get('/v1/auth/me').set('Authorization', `ApiKey ${key.fullApiKey}`).expect(200);
      expect(me.body).toMatchObject({ type: 'api_key', publicId: key.publicId });
      await app.http().get('/v1/vehicles').set('Authorization', `apikey ${key.fullApiKey}`).expect(200);
      expectProblem(await app.http().get('/v1/vehicles').set('Authorization', `ApiKey ${key.fullApiKey.slice(0, -2)}xx`), 401, 'invalid_credentials');
      expectProblem(await app.http().post('/v1/vehicles').set('Authorization', `ApiKey ${key.fullApiKey}`).send({ registration: 'AB12CDE' }), 403, 'insufficient_scope');
    });
  });
});
