import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatApiKey, newSecret } from '../../src/identity/api-keys/api-key-format.js';
import { call, type Instance, type PrivateCluster, startInstance, startPrivateCluster } from './support.js';

const PASSWORD = 'correct horse battery staple';
const LIMITS = {
  RATE_LIMIT_PER_MINUTE: '5',
  LOGIN_FAILURES_PER_EMAIL: '3',
  LOGIN_FAILURES_PER_IP_PER_HOUR: '3',
  SIGNUP_LIMIT_PER_IP_PER_HOUR: '2',
  REFRESH_LIMIT_PER_IP_PER_MINUTE: '3',
  BEARER_FAILURES_PER_IP_PER_MINUTE: '3',
  HOSTILE_BODY_REFUSALS_PER_IP_PER_MINUTE: '3',
  HOSTILE_BODY_DELAY_MS: '1500',
};

/**
 * A client address of its own per check (the instances trust X-Forwarded-For from loopback): the
 * machine's Redis keeps counts across runs and shares them with the other fault tests' instances, so
 * nothing here may reuse an address (127.0.0.1 least of all), e-mail or principal.
 */
const newClientIp = () => `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}::${randomBytes(2).toString('hex')}`;
const from = (ip: string) => ({ 'X-Forwarded-For': ip });

/**
 * Two instances on one database and one Redis, limits set low: whatever budget one instance used, the
 * other refuses beyond it (contract §2 throttles and the per-principal rate limit are shared, not per instance).
 */
describe('Throttles and rate limits shared by two instances through Redis', () => {
  let cluster: PrivateCluster;
  let first: Instance;
  let second: Instance;
  beforeAll(async () => {
    cluster = await startPrivateCluster();
    const env = { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', TRUST_PROXY: '127.0.0.1,::1,::ffff:127.0.0.1', ...LIMITS };
    [first, second] = await Promise.all([startInstance(cluster.url, env), startInstance(cluster.url, env)]);
  });
  afterAll(async () => {
    for (const instance of [first, second]) instance?.kill('SIGKILL');
    await Promise.all([first?.exited, second?.exited]);
    cluster?.destroy();
  });

  const signUp = async (base: string, ip = newClientIp()) => {
    const email = `limits-${crypto.randomUUID()}@example.co.uk`;
    const response = await call(base, 'POST', '/v1/auth/signup', undefined, { companyName: 'Limits Ltd', name: 'Lee', email, password: PASSWORD }, from(ip));
    return { ...response, email, body: response.body as { accessToken: string; refreshToken: string } };
  };

  const expectRefused = (response: { status: number; body: unknown }) => {
    expect(response.status).toBe(429);
    expect(response.body).toMatchObject({ code: 'rate_limited' });
  };

  it('per principal: the budget used on one instance is gone on the other', async () => {
    // from an address of its own too: the other fault tests' instances fail bearers from 127.0.0.1 on the same Redis
    const ip = newClientIp();
    const owner = await signUp(first.url, ip);
    const auth = { Authorization: `Bearer ${owner.body.accessToken}` };
    for (let i = 0; i < Number(LIMITS.RATE_LIMIT_PER_MINUTE); i += 1) expect((await call(first.url, 'GET', '/v1/auth/me', auth, undefined, from(ip))).status).toBe(200);
    expectRefused(await call(second.url, 'GET', '/v1/auth/me', auth, undefined, from(ip)));
  });

  it("per key: guesses at its secret on one instance spend nothing of its budget on the other", async () => {
    const ip = newClientIp();
    const owner = await signUp(first.url, ip);
    const auth = { Authorization: `Bearer ${owner.body.accessToken}` };
    expect((await call(first.url, 'PUT', '/v1/account/api-access', auth, { enabled: true }, from(ip))).status).toBe(200);
    const created = await call(first.url, 'POST', '/v1/api-keys', auth, { name: 'Shared budget', preset: 'read-only' }, from(ip));
    const { publicId, fullApiKey } = created.body as { publicId: string; fullApiKey: string };
    // the key's public id with a secret of the right form and checksum, from addresses of their own (each under its failure budget)
    const guess = { Authorization: `Bearer ${formatApiKey(publicId, newSecret(publicId))}` };
    for (let i = 0; i < Number(LIMITS.RATE_LIMIT_PER_MINUTE) + 1; i += 1) {
      expect((await call(first.url, 'GET', '/v1/auth/me', guess, undefined, from(newClientIp()))).status).toBe(401);
    }
    const key = { Authorization: `Bearer ${fullApiKey}` };
    for (let i = 0; i < Number(LIMITS.RATE_LIMIT_PER_MINUTE); i += 1) expect((await call(second.url, 'GET', '/v1/auth/me', key, undefined, from(ip))).status).toBe(200);
    expectRefused(await call(first.url, 'GET', '/v1/auth/me', key, undefined, from(ip)));
  });

  it('sign-ups per address', async () => {
    const ip = newClientIp();
    for (let i = 0; i < Number(LIMITS.SIGNUP_LIMIT_PER_IP_PER_HOUR); i += 1) expect((await signUp(first.url, ip)).status).toBe(201);
    expectRefused(await signUp(second.url, ip));
    expect((await signUp(second.url)).status).toBe(201);
  });

  it('login failures per address and per e-mail (the right password refused too)', async () => {
    const ip = newClientIp();
    for (let i = 0; i < Number(LIMITS.LOGIN_FAILURES_PER_IP_PER_HOUR); i += 1) {
      const wrong = await call(first.url, 'POST', '/v1/auth/login', undefined, { email: `nobody-${crypto.randomUUID()}@example.co.uk`, password: 'wrong password' }, from(ip));
      expect(wrong.status).toBe(401);
    }
    expectRefused(await call(second.url, 'POST', '/v1/auth/login', undefined, { email: `nobody-${crypto.randomUUID()}@example.co.uk`, password: 'wrong password' }, from(ip)));

    const owner = await signUp(first.url);
    for (let i = 0; i < Number(LIMITS.LOGIN_FAILURES_PER_EMAIL); i += 1) {
      expect((await call(first.url, 'POST', '/v1/auth/login', undefined, { email: owner.email, password: 'wrong password' }, from(newClientIp()))).status).toBe(401);
    }
    expectRefused(await call(second.url, 'POST', '/v1/auth/login', undefined, { email: owner.email, password: PASSWORD }, from(newClientIp())));
  });

  it('failed bearer credentials and refreshes per address', async () => {
    const ip = newClientIp();
    const forged = { Authorization: 'Bearer forged.token.value' };
    for (let i = 0; i < Number(LIMITS.BEARER_FAILURES_PER_IP_PER_MINUTE); i += 1) {
      expect((await call(first.url, 'GET', '/v1/auth/me', forged, undefined, from(ip))).status).toBe(401);
    }
    expectRefused(await call(second.url, 'GET', '/v1/auth/me', forged, undefined, from(ip)));

    const refreshIp = newClientIp();
    const owner = await signUp(first.url);
    let refreshToken = owner.body.refreshToken;
    for (let i = 0; i < Number(LIMITS.REFRESH_LIMIT_PER_IP_PER_MINUTE); i += 1) {
      const refreshed = await call(first.url, 'POST', '/v1/auth/refresh', undefined, { refreshToken }, from(refreshIp));
      expect(refreshed.status).toBe(200);
      refreshToken = (refreshed.body as { refreshToken: string }).refreshToken;
    }
    expectRefused(await call(second.url, 'POST', '/v1/auth/refresh', undefined, { refreshToken }, from(refreshIp)));
  });

  it('hostile bodies per address: past the budget spent on one instance, the other holds the refusal', async () => {
    const ip = newClientIp();
    let deep: unknown = 1;
    for (let depth = 0; depth < 40; depth += 1) deep = { a: deep };
    for (let i = 0; i < Number(LIMITS.HOSTILE_BODY_REFUSALS_PER_IP_PER_MINUTE); i += 1) {
      expect((await call(first.url, 'POST', '/v1/auth/login', undefined, deep, from(ip))).status).toBe(400);
    }
    const started = performance.now();
    expect((await call(second.url, 'POST', '/v1/auth/login', undefined, deep, from(ip))).status).toBe(400);
    expect(performance.now() - started).toBeGreaterThanOrEqual(Number(LIMITS.HOSTILE_BODY_DELAY_MS) - 50);
  });
});
