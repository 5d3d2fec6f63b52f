import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, newCompany, newTeamMember, type SignedUp } from '../support/factories.js';
import { enableApi, exchangeKey, newKey } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('API key management', () => {
  let app: TestApp;
  let owner: SignedUp;
  beforeAll(async () => {
    app = await startTestApp();
    owner = await newCompany(app);
    await enableApi(app, owner);
  });
  afterAll(() => app.close());

  describe('POST /v1/api-keys', () => {
    it('shows the full key once, and a read shows the same key without any secret', async () => {
      const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
      const created = await app
        .http()
        .post('/v1/api-keys')
        .set(owner.auth)
        .send({
          name: 'Depot tablets',
          description: 'Inspections from the yard',
          scopes: ['vehicles:read', 'inspections:write'],
          expiresAt,
          ipAllowlist: ['203.0.113.0/24', '2001:db8::1'],
          dailyCreditLimit: 5,
        })
        .expect(201);
      const body = created.body as Record<string, unknown>;
      expect(body).toMatchObject({
        name: 'Depot tablets',
        description: 'Inspections from the yard',
        scopes: ['vehicles:read', 'inspections:write'],
        status: 'ACTIVE',
        expiresAt,
        ipAllowlist: ['203.0.113.0/24', '2001:db8::1/128'],
        dailyCreditLimit: 5,
        createdBy: owner.userId,
        lastUsedAt: null,
        lastUsedIp: null,
      });
      expect(body.publicId).toMatch(/^[a-z0-9]{12}$/);
      expect(body.fullApiKey).toMatch(new RegExp(`^vk_${String(body.publicId)}_[A-Za-z0-9]{38}$`));

      const read = await app.http().get(`/v1/api-keys/${String(body.publicId)}`).set(owner.auth).expect(200);
      expect(read.body).toEqual(Object.fromEntries(Object.entries(body).filter(([field]) => field !== 'fullApiKey')));
      expect(JSON.stringify(read.body)).not.toContain(String(body.fullApiKey).split('_')[2]);
    });

    it('expands a preset, merged with explicit scopes, in catalogue order', async () => {
      const key = await newKey(app, owner, { preset: 'inspection-submission', scopes: ['credits:read'] });
      expect(key.body.scopes).toEqual(['vehicles:read', 'inspections:write', 'credits:read']);
      const full = await newKey(app, owner, { preset: 'full-fleet-management' });
      expect(full.body.scopes).toEqual(['vehicles:write', 'customers:write', 'inspections:write', 'agreements:write', 'licences:write', 'credits:read']);
      const readOnly = await newKey(app, owner, { preset: 'read-only' });
      expect(readOnly.body.scopes).toContain('webhooks:read');
      expect(readOnly.body.scopes).not.toContain('audit:read');
    });

    it('accepts the IP allowlist as one comma-separated string', async () => {
      const key = await newKey(app, owner, { ipAllowlist: '198.51.100.7, 2001:db8::/32 ,10.0.0.0/8' });
      expect(key.body.ipAllowlist).toEqual(['198.51.100.7/32', '2001:db8::/32', '10.0.0.0/8']);
    });

    it.each([
      ['an unknown scope', { scopes: ['vehicles:read', 'rockets:launch'] }, 'scopes'],
      ['an unknown preset', { preset: 'everything' }, 'preset'],
      ['no scope at all', { scopes: [] }, 'scopes'],
      ['neither scopes nor preset', {}, 'scopes'],
      ['a bad allowlist entry', { scopes: ['vehicles:read'], ipAllowlist: ['10.0.0.0/8', 'not-an-ip'] }, 'ipAllowlist[1]'],
      ['an expiry in the past', { scopes: ['vehicles:read'], expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
      ['a negative daily credit limit', { scopes: ['vehicles:read'], dailyCreditLimit: -1 }, 'dailyCreditLimit'],
      ['a name over 100 characters', { scopes: ['vehicles:read'], name: 'x'.repeat(101) }, 'name'],
      ['an unknown property', { scopes: ['vehicles:read'], owner: 'me' }, 'owner'],
    ])('answers 400 validation_failed for %s', async (_label, body, field) => {
      const response = await app.http().post('/v1/api-keys').set(owner.auth).send({ name: 'k', ...body });
      const problem = expectProblem(response, 400, 'validation_failed');
      expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it('lets an admin create keys, but not a member or an auditor (role_forbidden)', async () => {
      const admin = await newTeamMember(app, owner, 'admin');
      await newKey(app, admin, { scopes: ['audit:read', 'webhooks:manage'] });
      for (const role of ['member', 'auditor'] as const) {
        const user = await newTeamMember(app, owner, role);
        const response = await app.http().post('/v1/api-keys').set(user.auth).send({ name: 'k', scopes: ['vehicles:read'] });
        expectProblem(response, 403, 'role_forbidden');
      }
    });

    it('refuses an API key and a key token on every management endpoint (user_token_required)', async () => {
      const key = await newKey(app, owner);
      const tokens = await exchangeKey(app, key.fullApiKey);
      for (const auth of [key.auth, tokens.auth]) {
        expectProblem(await app.http().post('/v1/api-keys').set(auth).send({ name: 'k', scopes: ['vehicles:read'] }), 403, 'user_token_required');
        expectProblem(await app.http().get('/v1/api-keys').set(auth), 403, 'user_token_required');
        expectProblem(await app.http().get(`/v1/api-keys/${key.publicId}`).set(auth), 403, 'user_token_required');
        expectProblem(await app.http().delete(`/v1/api-keys/${key.publicId}`).set(auth), 403, 'user_token_required');
        expectProblem(await app.http().post(`/v1/api-keys/${key.publicId}/rotate`).set(auth).send({}), 403, 'user_token_required');
        expectProblem(await app.http().put('/v1/account/api-access').set(auth).send({ enabled: false }), 403, 'user_token_required');
      }
    });
  });

  describe('GET /v1/api-keys', () => {
    it('lists the company keys newest first, hiding revoked ones unless includeRevoked=true', async () => {
      const company = await newCompany(app);
      const first = await newKey(app, company, { name: 'first' });
      const second = await newKey(app, company, { name: 'second' });
      await app.http().delete(`/v1/api-keys/${first.publicId}`).set(company.auth).expect(200);

      const active = await app.http().get('/v1/api-keys').set(company.auth).expect(200);
      expect(active.body).toEqual({ data: [expect.objectContaining({ publicId: second.publicId, status: 'ACTIVE' })], nextCursor: null });

      const all = await app.http().get('/v1/api-keys?includeRevoked=true').set(company.auth).expect(200);
      expect(all.body.data.map((key: { publicId: string; status: string }) => [key.publicId, key.status])).toEqual([
        [second.publicId, 'ACTIVE'],
        [first.publicId, 'REVOKED'],
      ]);
      for (const key of all.body.data as Record<string, unknown>[]) {
        expect(key).not.toHaveProperty('fullApiKey');
        expect(key).toHaveProperty('lastUsedAt');
        expect(key).toHaveProperty('lastUsedIp');
        expect(key.createdBy).toBe(company.userId);
      }
    });

    it('pages with limit and cursor, and an auditor may read', async () => {
      const company = await newCompany(app);
      for (const name of ['a', 'b', 'c']) await newKey(app, company, { name });
      const auditor = await newTeamMember(app, company, 'auditor');
      const page1 = await app.http().get('/v1/api-keys?limit=2').set(auditor.auth).expect(200);
      expect(page1.body.data.map((key: { name: string }) => key.name)).toEqual(['c', 'b']);
      const page2 = await app.http().get(`/v1/api-keys?limit=2&cursor=${page1.body.nextCursor as string}`).set(auditor.auth).expect(200);
      expect(page2.body).toEqual({ data: [expect.objectContaining({ name: 'a' })], nextCursor: null });
      expectProblem(await app.http().get('/v1/api-keys?limit=0').set(auditor.auth), 400, 'validation_failed');
      const member = await newTeamMember(app, company, 'member');
      expectProblem(await app.http().get('/v1/api-keys').set(member.auth), 403, 'role_forbidden');
    });

    it("answers another company's key exactly like a missing one (404)", async () => {
      const other = await newCompany(app);
      const theirs = await newKey(app, other);
      const missing = await app.http().get('/v1/api-keys/zzzzzzzzzzzz').set(owner.auth);
      const foreign = await app.http().get(`/v1/api-keys/${theirs.publicId}`).set(owner.auth);
      expect(expectProblem(foreign, 404, 'not_found').detail).toBe(expectProblem(missing, 404, 'not_found').detail);
      expectProblem(await app.http().delete(`/v1/api-keys/${theirs.publicId}`).set(owner.auth), 404, 'not_found');
      expectProblem(await app.http().post('/v1/api-keys/revoke').set(owner.auth).send({ publicId: theirs.publicId }), 404, 'not_found');
      expectProblem(await app.http().post(`/v1/api-keys/${theirs.publicId}/rotate`).set(owner.auth).send({}), 404, 'not_found');
      expectProblem(await app.http().get('/v1/api-keys/Not-A-Key!').set(owner.auth), 404, 'not_found');
    });
  });

  describe('revoke', () => {
    it('DELETE revokes at once, records api_key.revoked in the outbox, and is idempotent', async () => {
      const key = await newKey(app, owner);
      await app.http().get('/v1/auth/me').set(key.auth).expect(200);
      const revoked = await app.http().delete(`/v1/api-keys/${key.publicId}`).set(owner.auth).expect(200);
      expect(revoked.body).toMatchObject({ publicId: key.publicId, status: 'REVOKED', revokedAt: expect.any(String) });
      expectProblem(await app.http().get('/v1/auth/me').set(key.auth), 401, 'api_key_revoked');

      const again = await app.http().delete(`/v1/api-keys/${key.publicId}`).set(owner.auth).expect(200);
      expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
      const events = await app.dataSource.query<{ data: Record<string, unknown> }[]>(
        `SELECT data FROM outbox_events WHERE company_id = $1 AND type = 'api_key.revoked' AND data->>'publicId' = $2`,
        [owner.companyId, key.publicId],
      );
      expect(events).toHaveLength(1);
      expect(events[0].data).toMatchObject({ id: revoked.body.id, publicId: key.publicId, status: 'REVOKED' });
      expect(JSON.stringify(events[0].data)).not.toContain(key.fullApiKey);
    });

    it('POST /v1/api-keys/revoke {publicId} does the same', async () => {
      const key = await newKey(app, owner);
      const response = await app.http().post('/v1/api-keys/revoke').set(owner.auth).send({ publicId: key.publicId }).expect(200);
      expect(response.body).toMatchObject({ publicId: key.publicId, status: 'REVOKED' });
      expectProblem(await app.http().get('/v1/auth/me').set(key.auth), 401, 'api_key_revoked');
      expectProblem(await app.http().post('/v1/api-keys/revoke').set(owner.auth).send({}), 400, 'validation_failed');
    });
  });

  describe('rotate', () => {
    it('issues a new secret for the same key; the old one stops at once without grace', async () => {
      const key = await newKey(app, owner, { scopes: ['vehicles:write'], name: 'rotating' });
      const rotated = await app.http().post(`/v1/api-keys/${key.publicId}/rotate`).set(owner.auth).expect(200);
      expect(rotated.body).toMatchObject({ publicId: key.publicId, scopes: ['vehicles:write'], name: 'rotating', status: 'ACTIVE' });
      expect(rotated.body.fullApiKey).not.toBe(key.fullApiKey);
      expectProblem(await app.http().get('/v1/auth/me').set(key.auth), 401, 'api_key_revoked');
      const me = await app.http().get('/v1/auth/me').set('Authorization', `Bearer ${rotated.body.fullApiKey as string}`).expect(200);
      expect(me.body.publicId).toBe(key.publicId);

      // a secret two rotations old is still recognised as revoked, not unknown
      const again = await app.http().post(`/v1/api-keys/${key.publicId}/rotate`).set(owner.auth).send({}).expect(200);
      expectProblem(await app.http().get('/v1/auth/me').set(key.auth), 401, 'api_key_revoked');
      expectProblem(await app.http().get('/v1/auth/me').set('Authorization', `Bearer ${rotated.body.fullApiKey as string}`), 401, 'api_key_revoked');
      await app.http().get('/v1/auth/me').set('Authorization', `Bearer ${again.body.fullApiKey as string}`).expect(200);
    });

    it('keeps the old secret working during a grace period, then refuses it', async () => {
      const key = await newKey(app, owner);
      const rotated = await app.http().post(`/v1/api-keys/${key.publicId}/rotate`).set(owner.auth).send({ gracePeriodSeconds: 3600 }).expect(200);
      await app.http().get('/v1/auth/me').set(key.auth).expect(200);
      await app.http().get('/v1/auth/me').set('Authorization', `Bearer ${rotated.body.fullApiKey as string}`).expect(200);
      const graceToken = await exchangeKey(app, key.fullApiKey);
      await app.http().get('/v1/auth/me').set(graceToken.auth).expect(200);
      const refreshed = await app.http().post('/v1/auth/refresh').send({ refreshToken: graceToken.refreshToken }).expect(200);

      // the grace period ends (moved into the past rather than waited for)
      await app.dataSource.query(`UPDATE api_keys SET previous_secret_valid_until = now() - interval '1 second' WHERE public_id = $1`, [key.publicId]);
      expectProblem(await app.http().get('/v1/auth/me').set(key.auth), 401, 'api_key_revoked');
      expectProblem(await app.http().get('/v1/auth/me').set(graceToken.auth), 401, 'api_key_revoked');
      // a pair exchanged from the old secret cannot outlive the grace period by refreshing
      const refreshAfterGrace = await app.http().post('/v1/auth/refresh').send({ refreshToken: refreshed.body.refreshToken as string });
      expectProblem(refreshAfterGrace, 401, 'api_key_revoked');
      await app.http().get('/v1/auth/me').set('Authorization', `Bearer ${rotated.body.fullApiKey as string}`).expect(200);
    });

    it('refuses a grace period over 86400 s, and rotating a revoked key', async () => {
      const key = await newKey(app, owner);
      const response = await app.http().post(`/v1/api-keys/${key.publicId}/rotate`).set(owner.auth).send({ gracePeriodSeconds: 86_401 });
      expect(expectProblem(response, 400, 'validation_failed').errors).toEqual([expect.objectContaining({ field: 'gracePeriodSeconds' })]);
      await app.http().delete(`/v1/api-keys/${key.publicId}`).set(owner.auth).expect(200);
      expectProblem(await app.http().post(`/v1/api-keys/${key.publicId}/rotate`).set(owner.auth).send({}), 409, 'conflict');
    });
  });

  it('documents every key operation in the OpenAPI document with its access rule', async () => {
    const document = (await app.http().get('/docs/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const operations = [
      ['/v1/api-keys', 'post'], ['/v1/api-keys', 'get'], ['/v1/api-keys/revoke', 'post'], ['/v1/api-keys/{publicId}', 'get'],
      ['/v1/api-keys/{publicId}', 'delete'], ['/v1/api-keys/{publicId}/rotate', 'post'], ['/v1/auth/api-key/token', 'post'],
      ['/v1/auth/api-key/token', 'get'],
    ] as const;
    for (const [path, method] of operations) {
      const operation = document.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(operation['x-required-scopes']).toEqual([]);
      expect(operation['x-credit-cost']).toBe(0);
    }
    expect(document.paths['/v1/api-keys'].post['x-allowed-roles']).toEqual(['owner', 'admin']);
  });
});
