import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, newCompany, PASSWORD, uniqueEmail } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const CONSOLE = { 'X-Requested-With': 'fleetgate-console' };

/** The `fleetgate_refresh` Set-Cookie line of a response, split into its value and attributes. */
function sessionCookieOf(response: { headers: Record<string, string | string[] | undefined> }) {
  const lines = [response.headers['set-cookie'] ?? []].flat();
  const line = lines.find((candidate) => candidate.startsWith('fleetgate_refresh='));
  if (!line) throw new Error(`no fleetgate_refresh cookie in ${JSON.stringify(lines)}`);
  const [pair, ...attributes] = line.split(';').map((part) => part.trim());
  return { value: pair.slice('fleetgate_refresh='.length), attributes, header: `fleetgate_refresh=${pair.slice('fleetgate_refresh='.length)}` };
}

describe('cookie sessions for the console', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const login = (email: string) => app.http().post('/v1/auth/login').send({ email, password: PASSWORD, session: 'cookie' }).expect(200);

  it('sets the refresh token as an httpOnly, SameSite=Strict cookie scoped to /v1/auth and leaves it out of the body', async () => {
    const { email } = await newCompany(app);
    const response = await login(email);
    expect(response.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: app.config.ACCESS_TOKEN_TTL_SECONDS });
    const cookie = sessionCookieOf(response);
    expect(cookie.value).toMatch(/^rt_/);
    expect(cookie.attributes).toEqual(
      expect.arrayContaining(['Path=/v1/auth', 'HttpOnly', 'SameSite=Strict', `Max-Age=${app.config.REFRESH_TOKEN_TTL_SECONDS}`]),
    );
    expect(cookie.attributes).not.toContain('Secure');
  });

  it('marks the cookie Secure when the request came over https', async () => {
    const proxied = await startTestApp({ env: { TRUST_PROXY: '127.0.0.1,::1,::ffff:127.0.0.1' } });
    try {
      const { email } = await newCompany(proxied);
      const response = await proxied
        .http()
        .post('/v1/auth/login')
        .set('X-Forwarded-Proto', 'https')
        .send({ email, password: PASSWORD, session: 'cookie' })
        .expect(200);
      expect(sessionCookieOf(response).attributes).toContain('Secure');
    } finally {
      await proxied.close();
    }
  });

  it('signs up into a cookie session too', async () => {
    const response = await app
      .http()
      .post('/v1/auth/signup')
      .send({ companyName: 'Cookie Fleet Ltd', name: 'Cora', email: uniqueEmail('cookie'), password: PASSWORD, session: 'cookie' })
      .expect(201);
    expect(response.body).not.toHaveProperty('refreshToken');
    expect(response.body.user.role).toBe('owner');
    expect(sessionCookieOf(response).value).toMatch(/^rt_/);
  });

  it('refreshes from the cookie alone, rotating the cookie, and the new access token works', async () => {
    const { email, userId } = await newCompany(app);
    const first = sessionCookieOf(await login(email));
    const refreshed = await app.http().post('/v1/auth/refresh').set(CONSOLE).set('Cookie', first.header).send({}).expect(200);
    expect(refreshed.body).not.toHaveProperty('refreshToken');
    const second = sessionCookieOf(refreshed);
    expect(second.value).not.toBe(first.value);
    const me = await app.http().get('/v1/auth/me').set('Authorization', `Bearer ${refreshed.body.accessToken}`).expect(200);
    expect(me.body.userId).toBe(userId);
    await app.http().post('/v1/auth/refresh').set(CONSOLE).set('Cookie', second.header).send({}).expect(200);
  });

  it('refuses a cookie refresh without the X-Requested-With header (CSRF) and spends nothing', async () => {
    const { email } = await newCompany(app);
    const cookie = sessionCookieOf(await login(email));
    const problem = expectProblem(await app.http().post('/v1/auth/refresh').set('Cookie', cookie.header).send({}), 400, 'validation_failed');
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'X-Requested-With' })]);
    await app.http().post('/v1/auth/refresh').set(CONSOLE).set('Cookie', cookie.header).send({}).expect(200);
  });

  it('refuses a cookie refresh from another origin', async () => {
    const { email } = await newCompany(app);
    const cookie = sessionCookieOf(await login(email));
    const problem = expectProblem(
      await app.http().post('/v1/auth/refresh').set(CONSOLE).set('Origin', 'https://evil.example').set('Cookie', cookie.header).send({}),
      400,
      'validation_failed',
    );
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'Origin' })]);
  });

  it('treats a replayed cookie as reuse: 401, the family revoked and the cookie cleared', async () => {
    const { email } = await newCompany(app);
    const first = sessionCookieOf(await login(email));
    const second = sessionCookieOf(await app.http().post('/v1/auth/refresh').set(CONSOLE).set('Cookie', first.header).send({}).expect(200));
    const replay = await app.http().post('/v1/auth/refresh').set(CONSOLE).set('Cookie', first.header).send({});
    expectProblem(replay, 401, 'invalid_credentials');
    expect(sessionCookieOf(replay)).toMatchObject({ value: '', attributes: expect.arrayContaining(['Max-Age=0']) });
    expectProblem(await app.http().post('/v1/auth/refresh').set(CONSOLE).set('Cookie', second.header).send({}), 401, 'invalid_credentials');
  });

  it('still answers 400 naming refreshToken when there is neither a body token nor a cookie', async () => {
    const problem = expectProblem(await app.http().post('/v1/auth/refresh').set(CONSOLE).send({}), 400, 'validation_failed');
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'refreshToken' })]);
  });

  it('answers 400 naming refreshToken when it is sent as null, to refresh or to log out', async () => {
    for (const path of ['/v1/auth/refresh', '/v1/auth/logout']) {
      const problem = expectProblem(await app.http().post(path).send({ refreshToken: null }), 400, 'validation_failed');
      const errors = problem.errors as Array<{ field: string; message: string }>;
      expect(errors).toContainEqual({ field: 'refreshToken', message: 'refreshToken must be a string' });
      expect(errors.every(({ field }) => field === 'refreshToken')).toBe(true);
    }
  });

  it('prefers a body refresh token over the cookie and keeps JSON-body sessions unchanged', async () => {
    const owner = await newCompany(app);
    const response = await app.http().post('/v1/auth/refresh').send({ refreshToken: owner.refreshToken }).expect(200);
    expect(response.body.refreshToken).toMatch(/^rt_/);
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('rejects an unknown session kind', async () => {
    const { email } = await newCompany(app);
    const problem = expectProblem(
      await app.http().post('/v1/auth/login').send({ email, password: PASSWORD, session: 'local-storage' }),
      400,
      'validation_failed',
    );
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'session' })]);
  });

  it('logs out: clears the cookie and the refresh token family stops working', async () => {
    const { email } = await newCompany(app);
    const cookie = sessionCookieOf(await login(email));
    const logout = await app.http().post('/v1/auth/logout').set(CONSOLE).set('Cookie', cookie.header).expect(204);
    expect(sessionCookieOf(logout)).toMatchObject({ value: '', attributes: expect.arrayContaining(['Max-Age=0', 'Path=/v1/auth']) });
    expectProblem(await app.http().post('/v1/auth/refresh').set(CONSOLE).set('Cookie', cookie.header).send({}), 401, 'invalid_credentials');
  });

  it('logs out a body refresh token (API clients), and answers 204 when there is nothing to revoke', async () => {
    const owner = await newCompany(app);
    await app.http().post('/v1/auth/logout').send({ refreshToken: owner.refreshToken }).expect(204);
    expectProblem(await app.http().post('/v1/auth/refresh').send({ refreshToken: owner.refreshToken }), 401, 'invalid_credentials');
    await app.http().post('/v1/auth/logout').expect(204);
    await app.http().post('/v1/auth/logout').send({ refreshToken: 'rt_unknown' }).expect(204);
  });

  it('refuses a cookie log-out without the CSRF header, leaving the session alive', async () => {
    const { email } = await newCompany(app);
    const cookie = sessionCookieOf(await login(email));
    expectProblem(await app.http().post('/v1/auth/logout').set('Cookie', cookie.header), 400, 'validation_failed');
    await app.http().post('/v1/auth/refresh').set(CONSOLE).set('Cookie', cookie.header).send({}).expect(200);
  });
});
