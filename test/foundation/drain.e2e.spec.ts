import { get, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCompany, type SignedUp } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Placeholder events (not a valid chain: the export does not re-hash), enough to outlast socket buffers. */
async function seedEvents(app: TestApp, companyId: string, count: number): Promise<void> {
  await app.dataSource.query(
    `INSERT INTO audit_events (id, company_id, seq, occurred_at, actor_type, actor_id, actor_name, actor_public_id, ip,
       user_agent, request_id, action, method, path, resource_type, resource_id, status, outcome, credits_spent,
       idempotency_key, prev_hash, hash)
     SELECT gen_random_uuid(), $1, 1000 + g, now(), 'user', NULL, 'Drain Test', NULL, '203.0.113.7', 'drain/1.0',
       'req-' || g, 'vehicle.create', 'POST', '/v1/vehicles', 'vehicle', NULL, 201, 'success', 0, NULL,
       repeat('0', 64), repeat('1', 64)
     FROM generate_series(1, $2) AS g`,
    [companyId, count],
  );
}

describe('shutting down (SIGTERM)', () => {
  let app: TestApp;
  let owner: SignedUp;
  let base: string;
  beforeAll(async () => {
    app = await startTestApp({ env: { SHUTDOWN_DRAIN_MS: '1500', SHUTDOWN_GRACE_MS: '1000' } });
    await app.app.listen({ port: 0, host: '127.0.0.1' });
    base = await app.app.getUrl();
    owner = await newCompany(app);
    await seedEvents(app, owner.companyId, 20_000);
  });
  afterAll(() => app.close().catch(() => undefined));

  it('drains: ready 503 while requests are still served, then in-flight finish and a cut export ends with its error marker', async () => {
    const exported = await new Promise<IncomingMessage>((resolve, reject) => {
      get(`${base}/v1/audit-logs/export?format=ndjson`, { headers: owner.auth }, resolve).once('error', reject);
    });
    expect(exported.statusCode).toBe(200);
    exported.pause(); // a slow client: the stream is still running when the grace ends

    const stopping = app.shutdown();
    await expect.poll(async () => (await app.http().get('/v1/health/ready')).status, { timeout: 1_000, interval: 50 }).toBe(503);
    await app.http().get('/v1/auth/me').set(owner.auth).expect(200);
    await app.http().get('/v1/health/live').expect(200);

    const chunks: Buffer[] = [];
    const ended = new Promise<void>((resolve) => exported.on('end', resolve));
    await new Promise((resolve) => setTimeout(resolve, 2_800)); // past drain + grace
    exported.on('data', (chunk: Buffer) => chunks.push(chunk));
    exported.resume();
    await ended;
    await stopping;

    const lines = Buffer.concat(chunks).toString().trim().split('\n');
    expect(lines.length).toBeLessThan(20_000);
    expect(JSON.parse(lines.at(-1)!)).toEqual({ error: { code: 'export_interrupted', detail: expect.any(String) as string } });
    await expect(fetch(`${base}/v1/health/live`)).rejects.toThrow();
  });
});
