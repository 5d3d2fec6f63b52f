import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, newCompany } from '../support/factories.js';
import { formatApiKey, newSecret } from '../../src/identity/api-keys/api-key-format.js';
import { enableApi, exchangeKey, keyAuth, newKey } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const LIMIT = 5;

/** In-memory store (no REDIS_URL); no TRUST_PROXY, so X-Forwarded-For must be ignored. */
describe('rate limits per principal', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
  });
  afterAll(() => app.close());

  it('carries RateLimit-* headers on authenticated responses and answers 429 rate_limited with Retry-After', async () => {
    const owner = await newCompany(app);
    for (let used = 1; used <= LIMIT; used++) {
      const response = await app.http().get('/v1/auth/me').set(owner.auth).expect(200);
      expect(response.headers['ratelimit-limit']).toBe(String(LIMIT));
      expect(response.headers['ratelimit-remaining']).toBe(String(LIMIT - used));
      expect(Number(response.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1);
      expect(Number(response.headers['ratelimit-reset'])).toBeLessThanOrEqual(60);
    }
    const limited = await app.http().get('/v1/auth/me').set(owner.auth);
    expectProblem(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.headers['ratelimit-remaining']).toBe('0');

    const unauthenticated = await app.http().get('/v1/health/live').expect(200);
    expect(unauthenticated.headers).not.toHaveProperty('ratelimit-limit');
  });

  it('gives a key, its token exchanges and its key tokens one shared budget, separate from other principals', async () => {
    const owner = await newCompany(app);
    await enableApi(app, owner);
    const key = await newKey(app, owner);
    const other = await newKey(app, owner);
    const tokens = await exchangeKey(app, key.fullApiKey);
    await app.http().get('/v1/auth/me').set(key.auth).expect(200);
    await app.http().get('/v1/auth/me').set(tokens.auth).expect(200);
    await app.http().get('/v1/auth/me').set(key.auth).expect(200);
    const last = await app.http().get('/v1/auth/me').set(tokens.auth).expect(200);
    expect(last.headers['ratelimit-remaining']).toBe('0');
    expectProblem(await app.http().get('/v1/auth/me').set(tokens.auth), 429, 'rate_limited');
    await app.http().get('/v1/auth/me').set(other.auth).expect(200);
  });

  it("spends nothing of a key's budget on guesses at its secret, nor on the secret a rotation replaced", async () => {
    const owner = await newCompany(app);
    await enableApi(app, owner);
    const key = await newKey(app, owner);
    // the key's public id with a secret of the right form and checksum: it passes every check but the hash
    const guess = keyAuth(formatApiKey(key.publicId, newSecret(key.publicId)));
    for (let i = 0; i < LIMIT + 2; i++) expectProblem(await app.http().get('/v1/auth/me').set(guess), 401, 'invalid_credentials');
    const rotated = await app.http().post(`/v1/api-keys/${key.publicId}/rotate`).set(owner.auth).send({}).expect(200);
    for (let i = 0; i < LIMIT + 2; i++) {
      const refused = await app.http().get('/v1/auth/me').set(key.auth);
      expectProblem(refused, 401, 'api_key_revoked');
      expect(refused.headers).not.toHaveProperty('ratelimit-remaining');
    }
    const first = await app.http().get('/v1/auth/me').set(keyAuth(rotated.body.fullApiKey as string)).expect(200);
    expect(first.headers['ratelimit-remaining']).toBe(String(LIMIT - 1));
  });

  it('counts refused requests too, and puts the headers on them', async () => {
    const owner = await newCompany(app);
    await enableApi(app, owner);
    const key = await newKey(app, owner, { scopes: ['vehicles:read'] });
    const refused = await app.http().get('/v1/audit-logs').set(key.auth);
    expectProblem(refused, 403, 'insufficient_scope');
    expect(refused.headers['ratelimit-remaining']).toBe(String(LIMIT - 1));
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const owner = await newCompany(app);
    await enableApi(app, owner);
    const key = await newKey(app, owner, { ipAllowlist: ['203.0.113.0/24'] });
    const problem = expectProblem(await app.http().get('/v1/auth/me').set(key.auth).set('X-Forwarded-For', '203.0.113.5'), 403, 'ip_not_allowed');
    expect(problem.ip).toMatch(/^(127\.0\.0\.1|::1)$/);
  });
});
