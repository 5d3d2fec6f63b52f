import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, newCompany, newTeamMember } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('account', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  describe('GET /v1/account', () => {
    it('answers the company with its settings and balance', async () => {
      const owner = await newCompany(app, { companyName: 'Shape Check Ltd' });
      const response = await app.http().get('/v1/account').set(owner.auth).expect(200);
      expect(response.body).toEqual({
        id: owner.companyId,
        name: 'Shape Check Ltd',
        apiEnabled: false,
        ipAllowlist: [],
        creditBalance: 10,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
    });

    it.each(['admin', 'member', 'auditor'] as const)('is readable by a %s', async (role) => {
      const owner = await newCompany(app);
      const user = await newTeamMember(app, owner, role);
      const response = await app.http().get('/v1/account').set(user.auth).expect(200);
      expect(response.body.id).toBe(owner.companyId);
    });

    it('answers 401 unauthenticated without a token', async () => {
      const response = await app.http().get('/v1/account');
      expectProblem(response, 401, 'unauthenticated');
      expect(response.headers['www-authenticate']).toBe('Bearer');
    });

    it('answers 401 invalid_credentials for a malformed or forged token', async () => {
      expectProblem(await app.http().get('/v1/account').set('Authorization', 'Bearer not.a.jwt'), 401, 'invalid_credentials');
      const owner = await newCompany(app);
      const [header, payload] = owner.accessToken.split('.');
      const forged = `${header}.${payload}.${'A'.repeat(43)}`;
      expectProblem(await app.http().get('/v1/account').set('Authorization', `Bearer ${forged}`), 401, 'invalid_credentials');
    });

    it('answers 401 unauthenticated for a non-bearer Authorization header', async () => {
      expectProblem(await app.http().get('/v1/account').set('Authorization', 'Basic dXNlcjpwYXNz'), 401, 'unauthenticated');
    });
  });

  describe('PUT /v1/account/api-access', () => {
    it('lets the owner switch API access on and off', async () => {
      const owner = await newCompany(app);
      const on = await app.http().put('/v1/account/api-access').set(owner.auth).send({ enabled: true }).expect(200);
      expect(on.body).toMatchObject({ id: owner.companyId, apiEnabled: true });
      expect((await app.http().get('/v1/account').set(owner.auth)).body.apiEnabled).toBe(true);
      const off = await app.http().put('/v1/account/api-access').set(owner.auth).send({ enabled: false }).expect(200);
      expect(off.body.apiEnabled).toBe(false);
    });

    it('refuses a non-boolean', async () => {
      const owner = await newCompany(app);
      const problem = expectProblem(await app.http().put('/v1/account/api-access').set(owner.auth).send({ enabled: 'yes' }), 400, 'validation_failed');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'enabled' })]);
    });

    it.each(['admin', 'member', 'auditor'] as const)('answers 403 role_forbidden to a %s and changes nothing', async (role) => {
      const owner = await newCompany(app);
      const user = await newTeamMember(app, owner, role);
      const response = await app.http().put('/v1/account/api-access').set(user.auth).send({ enabled: true });
      expectProblem(response, 403, 'role_forbidden');
      expect((await app.http().get('/v1/account').set(owner.auth)).body.apiEnabled).toBe(false);
    });
  });

  describe('PUT /v1/account/ip-allowlist', () => {
    it('accepts IPv4, IPv6 and CIDR entries and stores them normalised', async () => {
      const owner = await newCompany(app);
      const response = await app
        .http()
        .put('/v1/account/ip-allowlist')
        .set(owner.auth)
        .send({ cidrs: ['203.0.113.0/24', '2001:DB8::/32', '198.51.100.7', ' 2001:db8:0:0:0:0:0:1 ', '::ffff:192.0.2.1'] })
        .expect(200);
      const expected = ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7/32', '2001:db8::1/128', '192.0.2.1/32'];
      expect(response.body.ipAllowlist).toEqual(expected);
      expect((await app.http().get('/v1/account').set(owner.auth)).body.ipAllowlist).toEqual(expected);
    });

    it('clears the allowlist with an empty list', async () => {
      const owner = await newCompany(app);
      await app.http().put('/v1/account/ip-allowlist').set(owner.auth).send({ cidrs: ['10.0.0.0/8'] }).expect(200);
      const response = await app.http().put('/v1/account/ip-allowlist').set(owner.auth).send({ cidrs: [] }).expect(200);
      expect(response.body.ipAllowlist).toEqual([]);
    });

    it.each([
      ['not-an-ip'],
      ['10.0.0.0/33'],
      ['2001:db8::/129'],
      ['300.1.2.3'],
      ['10.0.0.1/'],
      [''],
    ])('answers 400 naming the bad entry %j and keeps the old list', async (bad) => {
      const owner = await newCompany(app);
      await app.http().put('/v1/account/ip-allowlist').set(owner.auth).send({ cidrs: ['10.0.0.0/8'] }).expect(200);
      const response = await app.http().put('/v1/account/ip-allowlist').set(owner.auth).send({ cidrs: ['192.0.2.0/24', bad] });
      const problem = expectProblem(response, 400, 'validation_failed');
      expect(problem.errors).toEqual([{ field: 'cidrs[1]', message: expect.stringContaining(JSON.stringify(bad)) }]);
      expect((await app.http().get('/v1/account').set(owner.auth)).body.ipAllowlist).toEqual(['10.0.0.0/8']);
    });

    it('answers 400 when cidrs is neither an array of strings nor one comma-separated string', async () => {
      const owner = await newCompany(app);
      for (const cidrs of [42, [1, 2], null, { '10.0.0.0/8': true }]) {
        const problem = expectProblem(await app.http().put('/v1/account/ip-allowlist').set(owner.auth).send({ cidrs }), 400, 'validation_failed');
        expect((problem.errors as { field: string }[])[0].field).toBe('cidrs');
      }
    });

    it('accepts the list as one comma-separated string too', async () => {
      const owner = await newCompany(app);
      const response = await app.http().put('/v1/account/ip-allowlist').set(owner.auth).send({ cidrs: '203.0.113.0/24, 2001:db8::/32' }).expect(200);
      expect((response.body as { ipAllowlist: string[] }).ipAllowlist).toEqual(['203.0.113.0/24', '2001:db8::/32']);
    });

    it('answers 403 role_forbidden to an admin', async () => {
      const owner = await newCompany(app);
      const admin = await newTeamMember(app, owner, 'admin');
      const response = await app.http().put('/v1/account/ip-allowlist').set(admin.auth).send({ cidrs: [] });
      expectProblem(response, 403, 'role_forbidden');
    });
  });
});
