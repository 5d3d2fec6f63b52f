import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, newCompany } from '../support/factories.js';
import { enableApi, exchangeKey, newKey } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const LIMIT = 8;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Two app instances on one database, sharing Redis for rate limits: whatever one instance changes,
 * the other's very next request sees (no stale in-process cache), and the limit holds across both.
 */
describe('two instances on one database', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    // the shared count is what is under test, not the fallback: on a loaded 2-core machine a Redis answer
    // can take longer than the default 50 ms, and the instance would count that request in memory
    const env = { REDIS_URL, RATE_LIMIT_PER_MINUTE: String(LIMIT), RATE_LIMIT_STORE_TIMEOUT_MS: '2000' };
    first = await startTestApp({ env });
    second = await startTestApp({ env, databaseUrl: first.databaseUrl });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('a key revoked through one instance is refused by the other on the very next request', async () => {
    const owner = await newCompany(first);
    await enableApi(first, owner);
    const key = await newKey(first, owner);
    const tokens = await exchangeKey(second, key.fullApiKey);
    await second.http().get('/v1/auth/me').set(key.auth).expect(200);
    await second.http().get('/v1/auth/me').set(tokens.auth).expect(200);
    await first.http().delete(`/v1/api-keys/${key.publicId}`).set(owner.auth).expect(200);
    expectProblem(await second.http().get('/v1/auth/me').set(key.auth), 401, 'api_key_revoked');
    expectProblem(await second.http().get('/v1/auth/me').set(tokens.auth), 401, 'api_key_revoked');
  });

  it('a rotation and an API switch-off through one instance take effect on the other at once', async () => {
    const owner = await newCompany(first);
    await enableApi(first, owner);
    const key = await newKey(first, owner);
    await second.http().get('/v1/auth/me').set(key.auth).expect(200);
    const rotated = await first.http().post(`/v1/api-keys/${key.publicId}/rotate`).set(owner.auth).expect(200);
    expectProblem(await second.http().get('/v1/auth/me').set(key.auth), 401, 'api_key_revoked');
    const fresh = { Authorization: `Bearer ${rotated.body.fullApiKey as string}` };
    await second.http().get('/v1/auth/me').set(fresh).expect(200);
    await enableApi(first, owner, false);
    expectProblem(await second.http().get('/v1/auth/me').set(fresh), 403, 'api_disabled');
  });

  it('holds one rate limit across both instances through Redis', async () => {
    const owner = await newCompany(first);
    await enableApi(first, owner);
    const key = await newKey(first, owner);
    const instances = [first, second];
    for (let used = 1; used <= LIMIT; used++) {
      const response = await instances[used % 2].http().get('/v1/auth/me').set(key.auth).expect(200);
      expect(response.headers['ratelimit-remaining']).toBe(String(LIMIT - used));
    }
    expectProblem(await first.http().get('/v1/auth/me').set(key.auth), 429, 'rate_limited');
    const limited = await second.http().get('/v1/auth/me').set(key.auth);
    expectProblem(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});
