import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, newCompany, type SignedUp } from '../support/factories.js';
import { enableApi, exchangeKey, newKey } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('token exchange and key token pairs', () => {
  let app: TestApp;
  let owner: SignedUp;
  beforeAll(async () => {
    app = await startTestApp({ env: { TRUST_PROXY: '127.0.0.1' } });
    owner = await newCompany(app);
    await enableApi(app, owner);
  });
  afterAll(() => app.close());

  const expectPair = (body: Record<string, unknown>) =>
    expect(body).toEqual({ accessToken: expect.any(String), refreshToken: expect.stringMatching(/^rt_/), tokenType: 'Bearer', expiresIn: 3600 });

  describe('POST /v1/auth/api-key/token and GET ?apiKey=', () => {
    it('exchanges a key sent as Authorization: ApiKey, in the body, or in the query', async () => {
      const key = await newKey(app, owner, { scopes: ['inspections:write'] });
      const byHeader = await app.http().post('/v1/auth/api-key/token').set('Authorization', `ApiKey ${key.fullApiKey}`).expect(200);
      const byBody = await app.http().post('/v1/auth/api-key/token').send({ apiKey: key.fullApiKey }).expect(200);
      const byQuery = await app.http().get('/v1/auth/api-key/token').query({ apiKey: key.fullApiKey }).expect(200);
      for (const response of [byHeader, byBody, byQuery]) {
        expectPair(response.body);
        const me = await app.http().get('/v1/auth/me').set('Authorization', `Bearer ${response.body.accessToken as string}`).expect(200);
        expect(me.body).toEqual({
          type: 'api_key',
          companyId: owner.companyId,
          publicId: key.publicId,
          scopes: ['inspections:read', 'inspections:write'],
          ip: '127.0.0.1',
        });
      }
    });

    it.each([
      ['no key at all', {}, undefined],
      ['a body key that is not a key', { apiKey: 'hello' }, undefined],
      ['a truncated key', { apiKey: 'vk_abc_def' }, undefined],
      ['an ApiKey header that is not a key', {}, 'ApiKey nonsense'],
    ])('answers 400 malformed_api_key for %s', async (_label, body, header) => {
      const request = app.http().post('/v1/auth/api-key/token');
      if (header) void request.set('Authorization', header);
      expectProblem(await request.send(body), 400, 'malformed_api_key');
    });

    it('answers 400 malformed_api_key for a missing or malformed query key, and refuses unknown body fields', async () => {
      expectProblem(await app.http().get('/v1/auth/api-key/token'), 400, 'malformed_api_key');
      expectProblem(await app.http().get('/v1/auth/api-key/token?apiKey=vk_'), 400, 'malformed_api_key');
      expectProblem(await app.http().post('/v1/auth/api-key/token').send({ key: 'vk_x' }), 400, 'validation_failed');
    });

    it('answers the key refusals of the error table', async () => {
      const key = await newKey(app, owner, { ipAllowlist: ['203.0.113.0/24'] });
      const exchange = (apiKey: string, ip = '203.0.113.1') => app.http().post('/v1/auth/api-key/token').set('X-Forwarded-For', ip).send({ apiKey });
      const typo = key.fullApiKey.slice(0, -1) + (key.fullApiKey.endsWith('a') ? 'b' : 'a');
      expectProblem(await exchange(typo), 401, 'invalid_credentials');
      expect(expectProblem(await exchange(key.fullApiKey, '192.0.2.1'), 403, 'ip_not_allowed').ip).toBe('192.0.2.1');
      await exchange(key.fullApiKey).expect(200);
      await app.http().delete(`/v1/api-keys/${key.publicId}`).set(owner.auth).expect(200);
      expectProblem(await exchange(key.fullApiKey), 401, 'api_key_revoked');

      const company = await newCompany(app);
      const offKey = await newKey(app, company);
      expectProblem(await exchange(offKey.fullApiKey), 403, 'api_disabled');
    });
  });

  describe('key tokens', () => {
    it('refresh through POST /v1/auth/refresh; a spent refresh token is refused', async () => {
      const key = await newKey(app, owner);
      const tokens = await exchangeKey(app, key.fullApiKey);
      const refreshed = await app.http().post('/v1/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(200);
      expectPair(refreshed.body);
      const me = await app.http().get('/v1/auth/me').set('Authorization', `Bearer ${refreshed.body.accessToken as string}`).expect(200);
      expect(me.body.publicId).toBe(key.publicId);
      expectProblem(await app.http().post('/v1/auth/refresh').send({ refreshToken: tokens.refreshToken }), 401, 'invalid_credentials');
    });

    it("fail at once when the key is revoked, and so does the pair's refresh", async () => {
      const key = await newKey(app, owner);
      const tokens = await exchangeKey(app, key.fullApiKey);
      await app.http().get('/v1/auth/me').set(tokens.auth).expect(200);
      await app.http().post('/v1/api-keys/revoke').set(owner.auth).send({ publicId: key.publicId }).expect(200);
      expectProblem(await app.http().get('/v1/auth/me').set(tokens.auth), 401, 'api_key_revoked');
      expectProblem(await app.http().post('/v1/auth/refresh').send({ refreshToken: tokens.refreshToken }), 401, 'api_key_revoked');
    });

    it('fail at once when API access is switched off, including refresh', async () => {
      const company = await newCompany(app);
      await enableApi(app, company);
      const key = await newKey(app, company);
      const tokens = await exchangeKey(app, key.fullApiKey);
      await enableApi(app, company, false);
      expectProblem(await app.http().get('/v1/auth/me').set(tokens.auth), 403, 'api_disabled');
      expectProblem(await app.http().post('/v1/auth/refresh').send({ refreshToken: tokens.refreshToken }), 403, 'api_disabled');
    });

    it("fail from outside the key's allowlist, including refresh", async () => {
      const key = await newKey(app, owner, { ipAllowlist: '2001:db8::/32' });
      const tokens = await exchangeKey(app, key.fullApiKey, '2001:db8::1');
      await app.http().get('/v1/auth/me').set(tokens.auth).set('X-Forwarded-For', '2001:db8::2').expect(200);
      expectProblem(await app.http().get('/v1/auth/me').set(tokens.auth).set('X-Forwarded-For', '2001:db9::2'), 403, 'ip_not_allowed');
      expectProblem(
        await app.http().post('/v1/auth/refresh').set('X-Forwarded-For', '198.51.100.1').send({ refreshToken: tokens.refreshToken }),
        403,
        'ip_not_allowed',
      );
    });

    it('fail at once after a rotation without grace; their refresh tokens are revoked', async () => {
      const key = await newKey(app, owner);
      const tokens = await exchangeKey(app, key.fullApiKey);
      const rotated = await app.http().post(`/v1/api-keys/${key.publicId}/rotate`).set(owner.auth).expect(200);
      expectProblem(await app.http().get('/v1/auth/me').set(tokens.auth), 401, 'api_key_revoked');
      expectProblem(await app.http().post('/v1/auth/refresh').send({ refreshToken: tokens.refreshToken }), 401, 'invalid_credentials');
      const fresh = await exchangeKey(app, rotated.body.fullApiKey as string);
      await app.http().get('/v1/auth/me').set(fresh.auth).expect(200);
    });
  });
});
