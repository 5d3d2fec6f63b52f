import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCompany } from '../support/factories.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The shared rate-limit store behind a TCP proxy that can stop forwarding: Redis "hangs". */
describe('a stalled rate-limit store', () => {
  let app: TestApp;
  let redis: TcpProxy;
  const logLines: Array<{ msg?: string; level?: number }> = [];
  beforeAll(async () => {
    redis = await startTcpProxy(REDIS_URL);
    const logDestination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as { msg?: string });
        done();
      },
    });
    app = await startTestApp({ env: { REDIS_URL: redis.url, RATE_LIMIT_STORE_TIMEOUT_MS: '50' }, logDestination });
  });
  afterAll(async () => {
    redis.resume();
    await app.close();
    await redis.close();
  });

  const fallbackLines = () => logLines.filter((line) => line.msg?.startsWith('rate-limit store (Redis) unavailable'));

  it('never holds a request: past 50 ms the instance counts locally, logs it once, and readiness says so (still 200)', async () => {
    const owner = await newCompany(app);
    await app.http().get('/v1/auth/me').set(owner.auth).expect(200);
    expect((await app.http().get('/v1/health/ready').expect(200)).body).toMatchObject({ rateLimitStore: 'shared' });

    redis.stall();
    for (let i = 0; i < 5; i += 1) {
      const started = performance.now();
      const response = await app.http().get('/v1/auth/me').set(owner.auth).expect(200);
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(response.headers['ratelimit-limit']).toBe('1200');
    }
    expect((await app.http().get('/v1/health/ready').expect(200)).body).toEqual({ status: 'ok', database: 'ok', rateLimitStore: 'local-fallback' });
    expect(fallbackLines()).toHaveLength(1);

    redis.resume();
    await expect.poll(async () => {
      await app.http().get('/v1/auth/me').set(owner.auth).expect(200);
      return ((await app.http().get('/v1/health/ready')).body as { rateLimitStore: string }).rateLimitStore;
    }, { timeout: 10_000, interval: 200 }).toBe('shared');
    expect(logLines.some((line) => line.msg?.startsWith('rate-limit store (Redis) answering again'))).toBe(true);
    expect(fallbackLines()).toHaveLength(1);
  });
});
