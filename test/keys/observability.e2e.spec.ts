import { Writable } from 'node:stream';
import type { Pool, PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, newCompany, type SignedUp } from '../support/factories.js';
import { enableApi, exchangeKey, newKey } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Counts every query sent on this app's pool (background jobs are off, so only requests query). */
function countQueries(app: TestApp): { readonly count: number; reset: () => void } {
  const pool = (app.dataSource.driver as unknown as { master: Pool }).master;
  const wrapped = new WeakSet<PoolClient>();
  const counter = { count: 0, reset: () => (counter.count = 0) };
  pool.on('acquire', (client: PoolClient) => {
    if (wrapped.has(client)) return;
    wrapped.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      counter.count++;
      return query(...args);
    };
  });
  return counter;
}

describe('API keys: queries per request and what reaches the log', () => {
  let app: TestApp;
  let owner: SignedUp;
  const lines: string[] = [];
  let queries: ReturnType<typeof countQueries>;
  beforeAll(async () => {
    const logDestination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    app = await startTestApp({ logDestination, env: { JOBS_ENABLED: 'false' } });
    queries = countQueries(app);
    owner = await newCompany(app);
    await enableApi(app, owner);
  });
  afterAll(() => app.close());

  /** The first use stamps lastUsedAt (one write a minute); wait for it so the count sees steady state. */
  async function warmUp(auth: { Authorization: string }, publicId: string): Promise<void> {
    await app.http().get('/v1/auth/me').set(auth).expect(200);
    for (let attempt = 0; attempt < 100; attempt++) {
      const key = await app.http().get(`/v1/api-keys/${publicId}`).set(owner.auth).expect(200);
      if (key.body.lastUsedAt) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('lastUsedAt was never recorded');
  }

  it('authenticates an API key or a key token with exactly one database query per request', async () => {
    const key = await newKey(app, owner);
    const tokens = await exchangeKey(app, key.fullApiKey);
    await warmUp(key.auth, key.publicId);
    for (const auth of [key.auth, tokens.auth]) {
      queries.reset();
      for (let i = 0; i < 5; i++) await app.http().get('/v1/auth/me').set(auth).expect(200);
      expect(queries.count).toBe(5);
    }
  });

  it('answers concurrent requests of several keys each with its own principal, in at most one query each', async () => {
    const keys = [await newKey(app, owner, { scopes: ['vehicles:read'] }), await newKey(app, owner, { scopes: ['credits:read'] })];
    for (const key of keys) await warmUp(key.auth, key.publicId);
    queries.reset();
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => app.http().get('/v1/auth/me').set(keys[i % 2].auth).then((response) => ({ i, response }))),
    );
    for (const { i, response } of responses) {
      expect(response.status).toBe(200);
      expect(response.body.publicId).toBe(keys[i % 2].publicId);
      expect(response.body.scopes).toEqual(i % 2 === 0 ? ['vehicles:read'] : ['credits:read']);
    }
    expect(queries.count).toBeLessThanOrEqual(12);
  });

  it('refuses a mistyped key without touching the database', async () => {
    const key = await newKey(app, owner);
    const typo = key.fullApiKey.slice(0, -1) + (key.fullApiKey.endsWith('a') ? 'b' : 'a');
    queries.reset();
    expectProblem(await app.http().get('/v1/auth/me').set('Authorization', `Bearer ${typo}`), 401, 'invalid_credentials');
    expect(queries.count).toBe(0);
  });

  it('never writes a key, its secret or a token to the log, whichever way it is sent', async () => {
    const key = await newKey(app, owner);
    const secret = key.fullApiKey.split('_')[2];
    const byQuery = await app.http().get('/v1/auth/api-key/token').query({ apiKey: key.fullApiKey }).expect(200);
    await app.http().post('/v1/auth/api-key/token').send({ apiKey: key.fullApiKey }).expect(200);
    await app.http().post('/v1/auth/api-key/token').set('Authorization', `ApiKey ${key.fullApiKey}`).expect(200);
    await app.http().get('/v1/auth/me').set(key.auth).expect(200);
    await app.http().get(`/v1/auth/api-key/token?apiKey=${key.fullApiKey.slice(0, -2)}`).expect(400);
    const rotated = await app.http().post(`/v1/api-keys/${key.publicId}/rotate`).set(owner.auth).expect(200);

    const logged = lines.join('\n');
    expect(logged).toContain('/v1/auth/api-key/token?apiKey=[redacted]');
    for (const value of [secret, rotated.body.fullApiKey.split('_')[2], byQuery.body.accessToken, byQuery.body.refreshToken]) {
      expect(logged).not.toContain(value);
    }
  });
});
