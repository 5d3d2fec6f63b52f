import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoadBalancer, type LoadBalancer } from './lb.js';
import { call, type Instance, type PrivateCluster, recordFigure, signUp, startInstance, startPrivateCluster } from './support.js';

const DRAIN = { SHUTDOWN_DRAIN_MS: '1500', SHUTDOWN_GRACE_MS: '3000' };

describe('a rolling restart through two instances behind a load balancer', () => {
  let cluster: PrivateCluster;
  let lb: LoadBalancer;
  const instances: Instance[] = [];
  beforeAll(async () => {
    cluster = await startPrivateCluster();
    instances.push(await startInstance(cluster.url, DRAIN), await startInstance(cluster.url, DRAIN));
    lb = await startLoadBalancer(instances.map((instance) => instance.url));
  });
  afterAll(async () => {
    await lb?.close();
    for (const instance of instances) instance.kill('SIGKILL');
    await Promise.all(instances.map((instance) => instance.exited));
    cluster?.destroy();
  });

  /** Replaces `old` by a fresh instance: start the new one, add it, SIGTERM the old one, drop it once it has exited. */
  const replace = async (old: Instance): Promise<void> => {
    const fresh = await startInstance(cluster.url, DRAIN);
    instances.push(fresh);
    lb.backends.add(fresh.url);
    old.kill('SIGTERM');
    expect(await old.exited).toBe(0);
    lb.backends.delete(old.url);
  };

  it('answers every request under load while each instance in turn drains and stops (0 failed)', async () => {
    const owner = await signUp(lb.url);
    const statuses = new Map<number, number>();
    let running = true;
    const client = async (worker: number) => {
      for (let i = 0; running; i += 1) {
        const response = i % 4 === 0
          ? await call(lb.url, 'PUT', '/v1/account/ip-allowlist', owner.auth, { cidrs: [`198.51.100.${worker}`] })
          : await call(lb.url, 'GET', '/v1/auth/me', owner.auth);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, worker) => client(worker)));
    const [first, second] = instances;
    await replace(first);
    await replace(second);
    running = false;
    await load;

    const total = [...statuses.values()].reduce((sum, count) => sum + count, 0);
    recordFigure('rolling restart: requests', total);
    recordFigure('rolling restart: failed requests', total - (statuses.get(200) ?? 0));
    expect(total).toBeGreaterThan(100);
    expect(Object.fromEntries(statuses)).toEqual({ 200: total });
    const verify = await call(lb.url, 'GET', '/v1/audit-logs/verify', owner.auth);
    expect(verify.body).toMatchObject({ valid: true });
  });
});
