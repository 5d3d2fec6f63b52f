import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { call, type Instance, type PrivateCluster, recordFigure, signUp, startInstance, startPrivateCluster } from './support.js';

describe('Redis stalled (a proxy that stops forwarding)', () => {
  let cluster: PrivateCluster;
  let redis: TcpProxy;
  let instance: Instance;
  beforeAll(async () => {
    cluster = await startPrivateCluster();
    redis = await startTcpProxy(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    instance = await startInstance(cluster.url, { REDIS_URL: redis.url });
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
    expect((await call(instance.url, 'GET', '/v1/auth/me', owner.auth)).status).toBe(200);
    redis.stall();
    const latencies: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const started = performance.now();
      expect((await call(instance.url, 'GET', '/v1/auth/me', owner.auth)).status).toBe(200);
      latencies.push(performance.now() - started);
    }
    expect(Math.max(...latencies)).toBeLessThan(1_000);
    recordFigure('authenticated request during a Redis stall, slowest of 20 (ms)', Math.round(Math.max(...latencies)));
    const ready = await call(instance.url, 'GET', '/v1/health/ready');
    expect(ready).toEqual({ status: 200, body: { status: 'ok', database: 'ok', rateLimitStore: 'local-fallback' } });
    expect(instance.log.filter((line) => line.includes('rate-limit store (Redis) unavailable'))).toHaveLength(1);
    redis.resume();
  });
});
