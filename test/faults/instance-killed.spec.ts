import { createServer, type Server } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Instance, type PrivateCluster, recordFigure, signUp, startInstance, startPrivateCluster } from './support.js';

/** An upstream (DVLA) that accepts requests and never answers: a create waits in it, holding its Idempotency-Key. */
function hangingUpstream(): Promise<{ url: string; server: Server }> {
  const server = createServer(() => undefined);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server })));
}

describe('an instance killed mid-request (SIGKILL)', () => {
  let cluster: PrivateCluster;
  let upstream: { url: string; server: Server };
  let doomed: Instance;
  let survivor: Instance;
  beforeAll(async () => {
    cluster = await startPrivateCluster();
    upstream = await hangingUpstream();
    survivor = await startInstance(cluster.url);
    doomed = await startInstance(cluster.url, {
      VEHICLE_DATA_PROVIDER: 'dvla', DVLA_BASE_URL: upstream.url, DVLA_API_KEY: 'k', DVSA_BASE_URL: `${upstream.url}/`,
      DVSA_API_KEY: 'k', DVSA_TOKEN_URL: `${upstream.url}/token`, DVSA_CLIENT_ID: 'c', DVSA_CLIENT_SECRET: 's',
      LOOKUP_TIMEOUT_MS: '60000', LOOKUP_MAX_ATTEMPTS: '1',
    });
  });
  afterAll(async () => {
    doomed?.kill('SIGKILL');
    survivor?.kill('SIGKILL');
    await Promise.all([doomed?.exited, survivor?.exited]);
    upstream?.server.closeAllConnections();
    upstream?.server.close();
    cluster?.destroy();
  });

  it('leaves its Idempotency-Key claimed for less than 60 s: the retry through another instance then succeeds once', async () => {
    const owner = await signUp(survivor.url);
    const key = `crash-${crypto.randomUUID()}`;
    const body = { registration: 'AB12CDE' };
    void call(doomed.url, 'POST', '/v1/vehicles', owner.auth, body, { 'Idempotency-Key': key });
    const db = new pg.Client({ connectionString: cluster.url });
    await db.connect();
    try {
      await expect.poll(async () => (await db.query(`SELECT 1 FROM idempotency_keys WHERE company_id = $1 AND key = $2`, [owner.companyId, key])).rowCount, { timeout: 10_000 }).toBe(1);
      doomed.kill('SIGKILL');
      await doomed.exited;
      const killedAt = Date.now();

      const meanwhile = await call(survivor.url, 'POST', '/v1/vehicles', owner.auth, body, { 'Idempotency-Key': key });
      expect(meanwhile.status).toBe(409);
      expect(meanwhile.body).toMatchObject({ code: 'idempotency_in_progress' });

      let created: { status: number; body: unknown } = meanwhile;
      while (created.status === 409 && Date.now() - killedAt < 60_000) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        created = await call(survivor.url, 'POST', '/v1/vehicles', owner.auth, body, { 'Idempotency-Key': key });
      }
      expect(created.status).toBe(201);
      recordFigure('idempotency key released after SIGKILL (s)', (Date.now() - killedAt) / 1000);
      expect(Date.now() - killedAt).toBeLessThan(60_000);
      const replay = await call(survivor.url, 'POST', '/v1/vehicles', owner.auth, body, { 'Idempotency-Key': key });
      expect(replay).toEqual(created);
      const vehicles = await db.query(`SELECT 1 FROM vehicles WHERE company_id = $1`, [owner.companyId]);
      expect(vehicles.rowCount).toBe(1);
    } finally {
      await db.end();
    }
  });
});
