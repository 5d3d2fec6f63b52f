import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, newCompany, newTeamMember, PASSWORD, uniqueEmail } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const fieldsOf = (problem: Record<string, unknown>) => new Set((problem.errors as { field: string }[]).map((error) => error.field));

describe('sign-in and token rotation', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('signs up with a normalised e-mail and logs in case-insensitively', async () => {
    const email = uniqueEmail('Mixed');
    const signup = await app
      .http()
      .post('/v1/auth/signup')
      .send({ companyName: ' Padded Ltd ', name: 'Pat', email: `  ${email.toUpperCase()}  `, password: PASSWORD })
      .expect(201);
    expect(signup.body.user.email).toBe(email.toLowerCase());
    expect(signup.body.company.name).toBe('Padded Ltd');
    expect(signup.body.expiresIn).toBe(app.config.ACCESS_TOKEN_TTL_SECONDS);
    const login = await app.http().post('/v1/auth/login').send({ email: email.toUpperCase(), password: PASSWORD }).expect(200);
    expect(login.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^rt_/),
      tokenType: 'Bearer',
      expiresIn: app.config.ACCESS_TOKEN_TTL_SECONDS,
    });
    await app.http().get('/v1/account').set('Authorization', `Bearer ${login.body.accessToken}`).expect(200);
  });

  it('accepts a password of exactly 12 characters and refuses 11', async () => {
    const body = (password: string) => ({ companyName: 'A', name: 'B', email: uniqueEmail(), password });
    await app.http().post('/v1/auth/signup').send(body('123456789012')).expect(201);
    expectProblem(await app.http().post('/v1/auth/signup').send(body('12345678901')), 400, 'validation_failed');
  });

  it('never returns a password or its hash', async () => {
    const response = await app
      .http()
      .post('/v1/auth/signup')
      .send({ companyName: 'A', name: 'B', email: uniqueEmail(), password: PASSWORD })
      .expect(201);
    expect(JSON.stringify(response.body)).not.toMatch(/password|scrypt\$/i);
  });

  it('answers unknown e-mail about as slowly as a wrong password', async () => {
    const { email } = await newCompany(app);
    const time = async (body: object) => {
      const started = performance.now();
      await app.http().post('/v1/auth/login').send(body).expect(401);
      return performance.now() - started;
    };
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      wrong.push(await time({ email, password: 'not the password at all' }));
      unknown.push(await time({ email: uniqueEmail(), password: 'not the password at all' }));
    }
    // The unknown e-mail still costs a full scrypt verification (a decoy hash).
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.4);
  });

  it('issues a working access token on refresh, and the successor refreshes again', async () => {
    const owner = await newCompany(app);
    const first = await app.http().post('/v1/auth/refresh').send({ refreshToken: owner.refreshToken }).expect(200);
    expect(first.body).toMatchObject({ tokenType: 'Bearer', expiresIn: app.config.ACCESS_TOKEN_TTL_SECONDS });
    const me = await app.http().get('/v1/auth/me').set('Authorization', `Bearer ${first.body.accessToken}`).expect(200);
    expect(me.body.userId).toBe(owner.userId);
    const second = await app.http().post('/v1/auth/refresh').send({ refreshToken: first.body.refreshToken }).expect(200);
    expect(second.body.refreshToken).not.toBe(first.body.refreshToken);
  });

  it('revokes the newest token of the family when an older spent one is replayed', async () => {
    const owner = await newCompany(app);
    const first = await app.http().post('/v1/auth/refresh').send({ refreshToken: owner.refreshToken }).expect(200);
    const second = await app.http().post('/v1/auth/refresh').send({ refreshToken: first.body.refreshToken }).expect(200);
    expectProblem(await app.http().post('/v1/auth/refresh').send({ refreshToken: owner.refreshToken }), 401, 'invalid_credentials');
    expectProblem(await app.http().post('/v1/auth/refresh').send({ refreshToken: second.body.refreshToken }), 401, 'invalid_credentials');
  });

  it('leaves other sign-ins of the same user alone when one family is revoked', async () => {
    const owner = await newCompany(app);
    const other = await app.http().post('/v1/auth/login').send({ email: owner.email, password: PASSWORD }).expect(200);
    await app.http().post('/v1/auth/refresh').send({ refreshToken: owner.refreshToken }).expect(200);
    expectProblem(await app.http().post('/v1/auth/refresh').send({ refreshToken: owner.refreshToken }), 401, 'invalid_credentials');
    await app.http().post('/v1/auth/refresh').send({ refreshToken: other.body.refreshToken }).expect(200);
  });

  it('lets only one of two concurrent uses of a refresh token succeed', async () => {
    const owner = await newCompany(app);
    const results = await Promise.all([1, 2].map(() => app.http().post('/v1/auth/refresh').send({ refreshToken: owner.refreshToken })));
    expect(results.map((response) => response.status).sort()).toEqual([200, 401]);
  });

  it('answers 401 for an unknown refresh token and 400 for a missing or non-string one', async () => {
    expectProblem(await app.http().post('/v1/auth/refresh').send({ refreshToken: 'rt_unknown' }), 401, 'invalid_credentials');
    expectProblem(await app.http().post('/v1/auth/refresh').send({}), 400, 'validation_failed');
    const problem = expectProblem(await app.http().post('/v1/auth/refresh').send({ refreshToken: 42 }), 400, 'validation_failed');
    expect(fieldsOf(problem)).toEqual(new Set(['refreshToken']));
  });

  it('does not accept a refresh token as a bearer token', async () => {
    const owner = await newCompany(app);
    expectProblem(await app.http().get('/v1/auth/me').set('Authorization', `Bearer ${owner.refreshToken}`), 401, 'invalid_credentials');
  });

  it('answers login validation errors with 400', async () => {
    const problem = expectProblem(await app.http().post('/v1/auth/login').send({ email: 'a@b.c' }), 400, 'validation_failed');
    expect(fieldsOf(problem)).toEqual(new Set(['password']));
  });

  it('shows an auditor only read scopes in /v1/auth/me', async () => {
    const owner = await newCompany(app);
    const auditor = await newTeamMember(app, owner, 'auditor');
    const me = await app.http().get('/v1/auth/me').set(auditor.auth).expect(200);
    expect(me.body).toMatchObject({ type: 'user', role: 'auditor', companyId: owner.companyId });
    expect(me.body.scopes).toContain('audit:read');
    expect(me.body.scopes.every((scope: string) => scope.endsWith(':read'))).toBe(true);
    expect(me.body).not.toHaveProperty('publicId');
  });
});
