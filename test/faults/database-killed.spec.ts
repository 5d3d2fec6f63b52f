import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Instance, type PrivateCluster, recordFigure, signUp, startInstance, startPrivateCluster } from './support.js';

describe('PostgreSQL killed under load', () => {
  let cluster: PrivateCluster;
  let instance: Instance;
  beforeAll(async () => {
    cluster = await startPrivateCluster();
    instance = await startInstance(cluster.url);
  });
  afterAll(async () => {
    instance?.kill('SIGKILL');
    await instance?.exited;
    cluster?.destroy();
  });

  it('answers 503 (never 500) while it is down, leaves no half-written record, and recovers without a restart', async () => {
    const owner = await signUp(instance.url);
    const statuses = new Map<number, number>();
    let running = true;
    const client = async () => {
      while (running) {
        const response = await call(instance.url, 'POST', '/v1/customers', owner.auth, { name: 'Kim Crash', email: `kim-${crypto.randomUUID()}@example.co.uk` });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    };
    const load = Promise.all(Array.from({ length: 4 }, client));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    cluster.kill();
    await expect.poll(() => statuses.get(503) ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    cluster.start();
    await expect.poll(async () => (await call(instance.url, 'GET', '/v1/health/ready')).status, { timeout: 30_000, interval: 250 }).toBe(200);
    const before201 = statuses.get(201) ?? 0;
    await expect.poll(() => statuses.get(201) ?? 0, { timeout: 30_000 }).toBeGreaterThan(before201);
    running = false;
    await load;

    recordFigure('PostgreSQL killed: 503 answers', statuses.get(503) ?? 0);
    recordFigure('PostgreSQL killed: other 5xx answers', [...statuses].filter(([status]) => status >= 500 && status !== 503).reduce((sum, [, count]) => sum + count, 0));
    expect([...statuses.keys()].filter((status) => status >= 500 && status !== 503)).toEqual([]);
    expect(statuses.get(503)).toBeGreaterThan(0);
    const db = new pg.Client({ connectionString: cluster.url });
    await db.connect();
    try {
      const customers = Number((await db.query(`SELECT count(*) AS n FROM customers WHERE company_id = $1`, [owner.companyId])).rows[0].n);
      const events = Number((await db.query(
        `SELECT count(*) AS n FROM audit_events WHERE company_id = $1 AND action = 'customer.create' AND outcome = 'success'`, [owner.companyId],
      )).rows[0].n);
      // every customer has its success event and no event lacks its customer; every 201 is one of them
      expect(events).toBe(customers);
      expect(customers).toBeGreaterThanOrEqual(statuses.get(201) ?? 0);
    } finally {
      await db.end();
    }
    expect((await call(instance.url, 'GET', '/v1/audit-logs/verify', owner.auth)).body).toMatchObject({ valid: true });
  });
});
