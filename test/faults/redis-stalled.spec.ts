import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { call, type Instance, type PrivateCluster, recordFigure, signUp, startInstance, startPrivateCluster } from './support.js';

const BEARER_FAILURES = 3;
/** An address of its own: the machine's Redis keeps counts across runs and shares them with the other fault tests. */
const newClientIp = () => `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}::${randomBytes(2).toString('hex')}`;

describe('Redis stalled (a proxy that stops forwarding)', () => {
  let cluster: PrivateCluster;
  let redis: TcpProxy;
  let instance: Instance;
  beforeAll(async () => {
    cluster = await startPrivateCluster();
    redis = await startTcpProxy(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    instance = await startInstance(cluster.url, { REDIS_URL: redis.url, BEARER_FAILURES_PER_IP_PER_MINUTE: String(BEARER_FAILURES), TRUST_PROXY: '127.0.0.1,::1,::ffff:127.0.0.1' });
  });
  afterAll(async () => {
    redis?.resume();
    instance?.kill('SIGKILL');
    await instance?.exited;
    await redis?.close();
    cluster?.destroy();
  });

  it('keeps authenticated requests fast (bounded store calls), logs the fallback once and stays ready', async () => {
    const owner = await signUp(instance.url);
    // an address of its own: 127.0.0.1's failed bearers, counted in the shared Redis by every other test, may be past this instance's small budget
    const ip = { 'X-Forwarded-For': newClientIp() };
    expect((await call(instance.url, 'GET', '/v1/auth/me', owner.auth, undefined, ip)).status).toBe(200);
    redis.stall();
    const latencies: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const started = performance.now();
      expect((await call(instance.url, 'GET', '/v1/auth/me', owner.auth, undefined, ip)).status).toBe(200);
      latencies.push(performance.now() - started);
    }
    expect(Math.max(...latencies)).toBeLessThan(1_000);
    recordFigure('authenticated request during a Redis stall, slowest of 20 (ms)', Math.round(Math.max(...latencies)));
    const ready = await call(instance.url, 'GET', '/v1/health/ready');
    expect(ready).toEqual({ status: 200, body: { status: 'ok', database: 'ok', rateLimitStore: 'local-fallback' } });
    expect(instance.log.filter((line) => line.includes('rate-limit store (Redis) unavailable'))).toHaveLength(1);
    redis.resume();
  });

  it('keeps refusing an address Redis found over its failure budget, until its window ends, with Redis stalled', async () => {
    const owner = await signUp(instance.url);
    const ip = { 'X-Forwarded-For': newClientIp() };
    const forged = { Authorization: 'Bearer forged.token.value' };
    for (let i = 0; i < BEARER_FAILURES; i += 1) expect((await call(instance.url, 'GET', '/v1/auth/me', forged, undefined, ip)).status).toBe(401);
    expect((await call(instance.url, 'GET', '/v1/auth/me', owner.auth, undefined, ip)).status).toBe(429);
    redis.stall();
    // the window Redis said is spent has not ended: refused at once, right credential or not, with no store to ask
    const refused = await call(instance.url, 'GET', '/v1/auth/me', owner.auth, undefined, ip);
    expect(refused).toMatchObject({ status: 429, body: { code: 'rate_limited' } });
    // an address the instance knows nothing of is let through by its local count while Redis does not answer
    expect((await call(instance.url, 'GET', '/v1/auth/me', owner.auth, undefined, { 'X-Forwarded-For': newClientIp() })).status).toBe(200);
    redis.resume();
  });
});
