import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatApiKey, newPublicId, newSecret } from '../../src/identity/api-keys/api-key-format.js';
import { expectProblem, newCompany, newTeamMember, type SignedUp } from '../support/factories.js';
import { enableApi, exchangeKey, keyAuth, newKey, setCompanyAllowlist } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Requests arrive from 127.0.0.1, a trusted proxy here, so X-Forwarded-For sets the client IP. */
describe('authenticating with an API key or a key token', () => {
  let app: TestApp;
  let owner: SignedUp;
  beforeAll(async () => {
    app = await startTestApp({ env: { TRUST_PROXY: '127.0.0.1' } });
    owner = await newCompany(app);
    await enableApi(app, owner);
  });
  afterAll(() => app.close());

  const me = (auth: { Authorization: string }, ip?: string) => {
    const request = app.http().get('/v1/auth/me').set(auth);
    return ip ? request.set('X-Forwarded-For', ip) : request;
  };

  it('describes a key principal on GET /v1/auth/me, the same through its key token', async () => {
    const key = await newKey(app, owner, { scopes: ['vehicles:write', 'credits:read'] });
    const expected = {
      type: 'api_key',
      companyId: owner.companyId,
      publicId: key.publicId,
      scopes: ['credits:read', 'vehicles:read', 'vehicles:write'],
      ip: '127.0.0.1',
    };
    expect((await me(key.auth).expect(200)).body).toEqual(expected);
    const tokens = await exchangeKey(app, key.fullApiKey);
    expect((await me(tokens.auth).expect(200)).body).toEqual(expected);
  });

  describe('invalid_credentials', () => {
    it('for an unknown key, a wrong secret, a mistyped key and a string that is no key', async () => {
      const key = await newKey(app, owner);
      const unknownId = newPublicId();
      const wrongSecret = formatApiKey(key.publicId, newSecret(key.publicId));
      const typo = key.fullApiKey.slice(0, -8) + (key.fullApiKey.at(-8) === 'a' ? 'b' : 'a') + key.fullApiKey.slice(-7);
      for (const candidate of [formatApiKey(unknownId, newSecret(unknownId)), wrongSecret, typo, 'vk_nope', `${key.fullApiKey}x`]) {
        expectProblem(await me(keyAuth(candidate)), 401, 'invalid_credentials');
      }
    });

    it('for a key token with a bad signature', async () => {
      const key = await newKey(app, owner);
      const { accessToken } = await exchangeKey(app, key.fullApiKey);
      const [header, payload] = accessToken.split('.');
      expectProblem(await me({ Authorization: `Bearer ${header}.${payload}.c2lnbmF0dXJl` }), 401, 'invalid_credentials');
    });
  });

  describe('where the credential is read from', () => {
    it('only the Authorization header: a key in the query string or the body is refused as no credential', async () => {
      const key = await newKey(app, owner, { scopes: ['vehicles:write'] });
      for (const response of [
        await app.http().get('/v1/auth/me').query({ access_token: key.fullApiKey }),
        await app.http().post('/v1/vehicles').send({ registration: 'AB12CDE', access_token: key.fullApiKey }),
      ]) {
        expectProblem(response, 401, 'unauthenticated');
        expect(response.headers['www-authenticate']).toBe('Bearer');
      }
      // and a key in the header besides one in the query string is the header's key alone
      await me(key.auth).query({ access_token: 'vk_nope' }).expect(200);
    });

    it('the Bearer and ApiKey schemes in any case, with any number of spaces; any other form is unauthenticated', async () => {
      const key = await newKey(app, owner);
      for (const header of [`bearer ${key.fullApiKey}`, `BEARER   ${key.fullApiKey}`, `apikey ${key.fullApiKey}`]) {
        await me({ Authorization: header }).expect(200);
      }
      for (const header of [`Basic ${key.fullApiKey}`, 'Bearer', `Bearer ${key.fullApiKey} extra`, `ApiKey Bearer ${key.fullApiKey}`, key.fullApiKey]) {
        expectProblem(await me({ Authorization: header }), 401, 'unauthenticated');
      }
    });
  });

  it('api_key_expired once a key is past expiresAt, for the key and its tokens', async () => {
    const key = await newKey(app, owner, { expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    const tokens = await exchangeKey(app, key.fullApiKey);
    await app.dataSource.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE public_id = $1`, [key.publicId]);
    expectProblem(await me(key.auth), 401, 'api_key_expired');
    expectProblem(await me(tokens.auth), 401, 'api_key_expired');
    const listed = await app.http().get(`/v1/api-keys/${key.publicId}`).set(owner.auth).expect(200);
    expect(listed.body.status).toBe('EXPIRED');
  });

  it('api_disabled while the company has API access off, for the key and its tokens, at once', async () => {
    const company = await newCompany(app);
    const key = await newKey(app, company);
    expectProblem(await me(key.auth), 403, 'api_disabled');
    await enableApi(app, company);
    const tokens = await exchangeKey(app, key.fullApiKey);
    await me(key.auth).expect(200);
    await enableApi(app, company, false);
    expectProblem(await me(key.auth), 403, 'api_disabled');
    expectProblem(await me(tokens.auth), 403, 'api_disabled');
    await app.http().get('/v1/auth/me').set(company.auth).expect(200);
  });

  describe('the creator’s current role', () => {
    it('cuts the key to the role after a demotion, and revokes it when the creator is removed', async () => {
      const company = await newCompany(app);
      await enableApi(app, company);
      const admin = await newTeamMember(app, company, 'admin');
      const key = await newKey(app, admin, { scopes: ['vehicles:write', 'audit:read', 'webhooks:manage'] });
      const tokens = await exchangeKey(app, key.fullApiKey);
      expect((await me(key.auth).expect(200)).body.scopes).toEqual([
        'audit:read', 'vehicles:read', 'vehicles:write', 'webhooks:manage', 'webhooks:read',
      ]);

      await app.http().patch(`/v1/account/users/${admin.userId}`).set(company.auth).send({ role: 'member' }).expect(200);
      expect((await me(key.auth).expect(200)).body.scopes).toEqual(['vehicles:read', 'vehicles:write']);
      expect((await me(tokens.auth).expect(200)).body.scopes).toEqual(['vehicles:read', 'vehicles:write']);
      const refused = await app.http().get('/v1/audit-logs').set(key.auth);
      const problem = expectProblem(refused, 403, 'insufficient_scope');
      expect(problem).toMatchObject({ requiredScopes: ['audit:read'], grantedScopes: ['vehicles:read', 'vehicles:write'] });
      expect(refused.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="audit:read"');

      await app.http().delete(`/v1/account/users/${admin.userId}`).set(company.auth).expect(204);
      expectProblem(await me(key.auth), 401, 'api_key_revoked');
      expectProblem(await me(tokens.auth), 401, 'api_key_revoked');
    });

    it('answers insufficient_scope for a scope the key was never given (read-only lacks audit:read)', async () => {
      const key = await newKey(app, owner, { preset: 'read-only' });
      const problem = expectProblem(await app.http().get('/v1/audit-logs').set(key.auth), 403, 'insufficient_scope');
      expect(problem.grantedScopes).not.toContain('audit:read');
    });
  });

  describe('IP allowlists', () => {
    it("enforces the key's allowlist: IPv4 CIDR, a single address, IPv6 and IPv4-mapped IPv6", async () => {
      const key = await newKey(app, owner, { ipAllowlist: ['203.0.113.0/24', '198.51.100.7', '2001:db8::/32'] });
      for (const ip of ['203.0.113.9', '198.51.100.7', '2001:db8::5', '::ffff:203.0.113.200']) await me(key.auth, ip).expect(200);
      for (const ip of ['198.51.100.8', '192.0.2.1', '2001:db9::1']) {
        const problem = expectProblem(await me(key.auth, ip), 403, 'ip_not_allowed');
        expect(problem.ip).toBe(ip);
      }
      expect(expectProblem(await me(key.auth, '::ffff:192.0.2.1'), 403, 'ip_not_allowed').ip).toBe('192.0.2.1');
    });

    it("enforces the company's allowlist on keys and key tokens at once", async () => {
      const company = await newCompany(app);
      await enableApi(app, company);
      const key = await newKey(app, company);
      const tokens = await exchangeKey(app, key.fullApiKey, '2001:db8:1::9');
      await setCompanyAllowlist(app, company, ['2001:db8::/32', '192.0.2.0/28']);
      await me(key.auth, '2001:db8:1::9').expect(200);
      await me(tokens.auth, '192.0.2.15').expect(200);
      expect(expectProblem(await me(key.auth, '192.0.2.16'), 403, 'ip_not_allowed').ip).toBe('192.0.2.16');
      expect(expectProblem(await me(tokens.auth, '2001:db9::1'), 403, 'ip_not_allowed').ip).toBe('2001:db9::1');
    });

    it('records lastUsedAt and lastUsedIp (fresh to the minute)', async () => {
      const key = await newKey(app, owner);
      const before = Date.now();
      await me(key.auth, '203.0.113.77').expect(200);
      let shown: { lastUsedAt: string | null; lastUsedIp: string | null } = { lastUsedAt: null, lastUsedIp: null };
      for (let attempt = 0; attempt < 50 && !shown.lastUsedAt; attempt++) {
        shown = (await app.http().get(`/v1/api-keys/${key.publicId}`).set(owner.auth).expect(200)).body;
        if (!shown.lastUsedAt) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(shown.lastUsedIp).toBe('203.0.113.77');
      expect(new Date(shown.lastUsedAt!).getTime()).toBeGreaterThanOrEqual(before - 5_000);
    });
  });
});
