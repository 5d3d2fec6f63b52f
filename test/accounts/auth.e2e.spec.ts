import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, newCompany, PASSWORD, uniqueEmail } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('auth', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  describe('POST /v1/auth/signup', () => {
    it('creates a company with 10 welcome credits, API access off, and an owner signed in', async () => {
      const email = uniqueEmail();
      const response = await app
        .http()
        .post('/v1/auth/signup')
        .send({ companyName: 'Acme Vans', name: 'Alex', email, password: PASSWORD })
        .expect(201);
      expect(response.body).toMatchObject({
        company: { name: 'Acme Vans', apiEnabled: false, creditBalance: 10, ipAllowlist: [] },
        user: { email, role: 'owner' },
        tokenType: 'Bearer',
      });
      expect(response.body.accessToken).toEqual(expect.any(String));
      expect(response.body.refreshToken).toMatch(/^rt_/);
    });

    it('refuses a password shorter than 12 characters', async () => {
      const response = await app
        .http()
        .post('/v1/auth/signup')
        .send({ companyName: 'A', name: 'B', email: uniqueEmail(), password: 'short' });
      const problem = expectProblem(response, 400, 'validation_failed');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'password' })]);
    });

    it('answers 409 conflict for an e-mail already in use', async () => {
      const { email } = await newCompany(app);
      const response = await app
        .http()
        .post('/v1/auth/signup')
        .send({ companyName: 'Other', name: 'B', email: email.toUpperCase(), password: PASSWORD });
      expectProblem(response, 409, 'conflict');
    });
  });

  describe('POST /v1/auth/login', () => {
    it('answers unknown e-mail and wrong password alike', async () => {
      const { email } = await newCompany(app);
      const wrong = await app.http().post('/v1/auth/login').send({ email, password: 'not the password!' });
      const unknown = await app.http().post('/v1/auth/login').send({ email: uniqueEmail(), password: PASSWORD });
      const a = expectProblem(wrong, 401, 'invalid_credentials');
      const b = expectProblem(unknown, 401, 'invalid_credentials');
      expect(a.detail).toBe(b.detail);
    });
  });

  describe('POST /v1/auth/refresh', () => {
    it('rotates, and reuse of a spent token revokes the whole family', async () => {
      const owner = await newCompany(app);
      const first = await app.http().post('/v1/auth/refresh').send({ refreshToken: owner.refreshToken }).expect(200);
      const next = first.body.refreshToken as string;
      expect(next).not.toBe(owner.refreshToken);

      expectProblem(await app.http().post('/v1/auth/refresh').send({ refreshToken: owner.refreshToken }), 401, 'invalid_credentials');
      expectProblem(await app.http().post('/v1/auth/refresh').send({ refreshToken: next }), 401, 'invalid_credentials');
    });
  });

  describe('GET /v1/auth/me', () => {
    it('describes the signed-in user with expanded scopes', async () => {
      const owner = await newCompany(app);
      const response = await app.http().get('/v1/auth/me').set(owner.auth).expect(200);
      expect(response.body).toMatchObject({ type: 'user', companyId: owner.companyId, userId: owner.userId, role: 'owner' });
      expect(response.body.scopes).toContain('vehicles:read');
    });

    it("tells the caller its IP address as the server sees it (what allowlists are checked against)", async () => {
      const owner = await newCompany(app);
      const response = await app.http().get('/v1/auth/me').set(owner.auth).set('X-Forwarded-For', '203.0.113.9').expect(200);
      // no trusted proxy is configured, so a forwarded address is not believed
      expect(response.body.ip).toBe('127.0.0.1');
    });

    it('answers 401 unauthenticated without a token and invalid_credentials for a bad one', async () => {
      expectProblem(await app.http().get('/v1/auth/me'), 401, 'unauthenticated');
      expectProblem(await app.http().get('/v1/auth/me').set('Authorization', 'Bearer nope'), 401, 'invalid_credentials');
    });
  });
});
