import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, PASSWORD, type SignedUp, uniqueEmail } from '../support/factories.js';
import { enableApi, newKey } from '../support/keys.js';
import { newCompany as signUp } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Each test is its own client address (the app trusts X-Forwarded-For from loopback), so counts never mix. */
const newClientIp = () => `2001:db8:${randomBytes(2).toString('hex')}::${randomBytes(2).toString('hex')}`;

function expectThrottled(response: { status: number; headers: Record<string, string>; body: Record<string, unknown> }): void {
  expectProblem(response, 429, 'rate_limited');
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
}

describe('Throttling of public endpoints', () => {
  let app: TestApp;

  /** A company signed up from an address of its own (sign-ups are throttled per address here). */
  const newCompany = async (): Promise<SignedUp> => {
    const email = uniqueEmail('owner');
    const response = await app.http().post('/v1/auth/signup').set('X-Forwarded-For', newClientIp())
      .send({ companyName: 'Throttle Fleet', name: 'Olive', email, password: PASSWORD }).expect(201);
    const body = response.body as { company: { id: string }; user: { id: string }; accessToken: string; refreshToken: string };
    return { companyId: body.company.id, userId: body.user.id, email, accessToken: body.accessToken, refreshToken: body.refreshToken, auth: { Authorization: `Bearer ${body.accessToken}` } };
  };

  let owner: SignedUp;
  beforeAll(async () => {
    app = await startTestApp({
      env: {
        TRUST_PROXY: '127.0.0.1,::1,::ffff:127.0.0.1',
        LOGIN_FAILURES_PER_EMAIL: '3',
        LOGIN_FAILURES_PER_IP_PER_HOUR: '5',
        SIGNUP_LIMIT_PER_IP_PER_HOUR: '3',
        REFRESH_LIMIT_PER_IP_PER_MINUTE: '4',
        BEARER_FAILURES_PER_IP_PER_MINUTE: '5',
      },
    });
    owner = await newCompany();
  });
  afterAll(() => app.close());

  const login = (ip: string, email: string, password: string) =>
    app.http().post('/v1/auth/login').set('X-Forwarded-For', ip).send({ email, password });

  describe('login failures per e-mail', () => {
    it('answers 429 for that e-mail once its failures are used up, even with the right password', async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        expectProblem(await login(newClientIp(), owner.email, 'wrong password, attempt'), 401, 'invalid_credentials');
      }
      expectThrottled(await login(newClientIp(), owner.email, PASSWORD));
      expectThrottled(await login(newClientIp(), owner.email.toUpperCase(), PASSWORD));
    });

    it('does not hold another e-mail back', async () => {
      const other = await newCompany();
      await login(newClientIp(), other.email, PASSWORD).expect(200);
    });

    it('does not count successful logins', async () => {
      const user = await newCompany();
      for (let attempt = 0; attempt < 5; attempt++) await login(newClientIp(), user.email, PASSWORD).expect(200);
    });
  });

  it('answers 429 to an address that used up its login failures, whichever e-mail it tries', async () => {
    const ip = newClientIp();
    for (let attempt = 0; attempt < 5; attempt++) {
      expectProblem(await login(ip, uniqueEmail('guess'), 'not the password'), 401, 'invalid_credentials');
    }
    const fresh = await newCompany();
    expectThrottled(await login(ip, fresh.email, PASSWORD));
    await login(newClientIp(), fresh.email, PASSWORD).expect(200);
  });

  it('limits sign-ups per address', async () => {
    const ip = newClientIp();
    const signup = () =>
      app.http().post('/v1/auth/signup').set('X-Forwarded-For', ip).send({ companyName: 'Spam Ltd', name: 'S', email: uniqueEmail(), password: PASSWORD });
    for (let attempt = 0; attempt < 3; attempt++) await signup().expect(201);
    expectThrottled(await signup());
    await app.http().post('/v1/auth/signup').set('X-Forwarded-For', newClientIp())
      .send({ companyName: 'Honest Ltd', name: 'H', email: uniqueEmail(), password: PASSWORD }).expect(201);
  });

  it('limits refreshes and token exchanges together per address', async () => {
    const ip = newClientIp();
    expectProblem(await app.http().post('/v1/auth/refresh').set('X-Forwarded-For', ip).send({ refreshToken: 'nope' }), 401, 'invalid_credentials');
    await app.http().post('/v1/auth/refresh').set('X-Forwarded-For', ip).send({ refreshToken: owner.refreshToken }).expect(200);
    expectProblem(await app.http().post('/v1/auth/api-key/token').set('X-Forwarded-For', ip).send({ apiKey: 'vk_abc_def' }), 400, 'malformed_api_key');
    expectProblem(await app.http().get('/v1/auth/api-key/token?apiKey=garbage').set('X-Forwarded-For', ip), 400, 'malformed_api_key');
    expectThrottled(await app.http().post('/v1/auth/api-key/token').set('X-Forwarded-For', ip).send({ apiKey: 'vk_abc_def' }));
    expectThrottled(await app.http().post('/v1/auth/refresh').set('X-Forwarded-For', ip).send({ refreshToken: 'nope' }));
  });

  it('answers 429 to an address that presented too many failed bearer credentials, even with a valid one', async () => {
    const ip = newClientIp();
    const guesses = ['Bearer vk_abcdefgh_wrongsecret', 'Bearer not.a.jwt', 'ApiKey vk_zzz_zzz', 'Bearer expired', 'Bearer x'];
    for (const authorization of guesses) {
      expect((await app.http().get('/v1/auth/me').set('X-Forwarded-For', ip).set('Authorization', authorization)).status).toBe(401);
    }
    expectThrottled(await app.http().get('/v1/auth/me').set('X-Forwarded-For', ip).set(owner.auth));
    await app.http().get('/v1/auth/me').set('X-Forwarded-For', newClientIp()).set(owner.auth).expect(200);
  });

  it('does not count requests without credentials as failed bearers', async () => {
    const ip = newClientIp();
    for (let attempt = 0; attempt < 7; attempt++) {
      expectProblem(await app.http().get('/v1/auth/me').set('X-Forwarded-For', ip), 401, 'unauthenticated');
    }
    await app.http().get('/v1/auth/me').set('X-Forwarded-For', ip).set(owner.auth).expect(200);
  });
});

describe('Token exchange and the key rate limit', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(() => app.close());

  it('counts each exchange against the key own limit, without writing a refresh token past it', async () => {
    const owner = await signUp(app);
    await enableApi(app, owner);
    const key = await newKey(app, owner);
    for (let attempt = 0; attempt < 3; attempt++) {
      await app.http().post('/v1/auth/api-key/token').send({ apiKey: key.fullApiKey }).expect(200);
    }
    const before = await app.dataSource.query<{ count: string }[]>('SELECT count(*) AS count FROM refresh_tokens WHERE company_id = $1', [owner.companyId]);
    expectThrottled(await app.http().post('/v1/auth/api-key/token').send({ apiKey: key.fullApiKey }));
    expectThrottled(await app.http().get('/v1/auth/me').set(key.auth));
    const after = await app.dataSource.query<{ count: string }[]>('SELECT count(*) AS count FROM refresh_tokens WHERE company_id = $1', [owner.companyId]);
    expect(after[0].count).toBe(before[0].count);
  });
});
