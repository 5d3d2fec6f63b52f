import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyExpiryWarnings } from '../../src/identity/api-keys/api-key-expiry-warnings.js';
import { KeyUsageMeter } from '../../src/identity/api-keys/key-usage.meter.js';
import { outboxEvents } from '../support/credits.js';
import { expectProblem, newCompany, newTeamMember, type SignedUp } from '../support/factories.js';
import { newVehicle } from '../support/fleet.js';
import { enableApi, exchangeKey, newKey, withExpiryClaims } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface Usage {
  publicId: string;
  granularity: string;
  data: Array<{ start: string; requests: number; succeeded: number; denied: number; failed: number; creditsSpent: number }>;
}

describe('API key usage and expiry warnings', () => {
  let app: TestApp;
  let owner: SignedUp;
  beforeAll(async () => {
    app = await startTestApp();
    owner = await newCompany(app);
    await enableApi(app, owner);
  });
  afterAll(() => app.close());

  const usage = async (publicId: string, query: Record<string, string> = {}, who = owner): Promise<Usage> =>
    (await app.http().get(`/v1/api-keys/${publicId}/usage`).query(query).set(who.auth).expect(200)).body as Usage;

  it('counts requests, successes, denials and credits of the key and its tokens, by hour, once flushed', async () => {
    const key = await newKey(app, owner, { scopes: ['vehicles:read', 'inspections:write'] });
    const vehicle = await newVehicle(app, owner);
    await app.http().get('/v1/vehicles').set(key.auth).expect(200);
    const tokens = await exchangeKey(app, key.fullApiKey);
    await app.http().get(`/v1/vehicles/${vehicle.id}`).set(tokens.auth).expect(200);
    await app.http().post('/v1/inspections').set(key.auth)
      .send({ vehicleId: vehicle.id, templateKey: 'check-out', items: [{ key: 'tyres', result: 'pass' }] }).expect(201);
    await app.http().post('/v1/vehicles').set(key.auth).send({ registration: 'AB12CDE' }).expect(403);
    await app.http().get(`/v1/vehicles/${randomUUID()}`).set(key.auth).expect(404);
    // a wrong secret is not this key's request
    await app.http().get('/v1/vehicles').set('Authorization', `Bearer ${key.fullApiKey.slice(0, -3)}abc`).expect(401);

    const before = await usage(key.publicId);
    expect(before.data.reduce((sum, bucket) => sum + bucket.requests, 0)).toBe(0);
    await app.app.get(KeyUsageMeter).flush();

    const after = await usage(key.publicId);
    expect(after).toMatchObject({ publicId: key.publicId, granularity: 'hour' });
    expect(after.data.length).toBeGreaterThanOrEqual(24);
    expect(after.data.length).toBeLessThanOrEqual(25);
    const starts = after.data.map((bucket) => Date.parse(bucket.start));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(starts.every((start) => start % 3_600_000 === 0)).toBe(true);
    const total = after.data.reduce(
      (sum, bucket) => ({ requests: sum.requests + bucket.requests, succeeded: sum.succeeded + bucket.succeeded, denied: sum.denied + bucket.denied, failed: sum.failed + bucket.failed, creditsSpent: sum.creditsSpent + bucket.creditsSpent }),
      { requests: 0, succeeded: 0, denied: 0, failed: 0, creditsSpent: 0 },
    );
    expect(total).toEqual({ requests: 5, succeeded: 3, denied: 1, failed: 0, creditsSpent: 1 });

    const daily = await usage(key.publicId, { granularity: 'day', from: new Date(Date.now() - 2 * 86_400_000).toISOString() });
    expect(daily.data.length).toBeGreaterThanOrEqual(2);
    expect(daily.data.reduce((sum, bucket) => sum + bucket.requests, 0)).toBe(5);
  });

  it('counts the requests of a revoked key as denied', async () => {
    const key = await newKey(app, owner);
    await app.http().delete(`/v1/api-keys/${key.publicId}`).set(owner.auth).expect(200);
    await app.http().get('/v1/auth/me').set(key.auth).expect(401);
    await app.app.get(KeyUsageMeter).flush();
    const counted = (await usage(key.publicId)).data.find((bucket) => bucket.requests > 0);
    expect(counted).toMatchObject({ requests: 1, denied: 1, succeeded: 0 });
  });

  it('refuses ranges beyond 31 days by hour or 400 by day, and unknown granularities', async () => {
    const key = await newKey(app, owner);
    const get = (query: Record<string, string>) => app.http().get(`/v1/api-keys/${key.publicId}/usage`).query(query).set(owner.auth);
    expectProblem(await get({ from: new Date(Date.now() - 32 * 86_400_000).toISOString() }), 400, 'validation_failed');
    expectProblem(await get({ granularity: 'day', from: new Date(Date.now() - 401 * 86_400_000).toISOString() }), 400, 'validation_failed');
    expectProblem(await get({ granularity: 'minute' }), 400, 'validation_failed');
    expectProblem(await get({ from: new Date().toISOString(), to: new Date(Date.now() - 3_600_000).toISOString() }), 400, 'validation_failed');
    expect((await usage(key.publicId, { granularity: 'day', from: new Date(Date.now() - 400 * 86_400_000 + 60_000).toISOString() })).data.length).toBeGreaterThanOrEqual(400);
  });

  it("is readable by an auditor, and another company's key is 404", async () => {
    const key = await newKey(app, owner);
    const auditor = await newTeamMember(app, owner, 'auditor');
    await usage(key.publicId, {}, auditor);
    const stranger = await newCompany(app);
    expectProblem(await app.http().get(`/v1/api-keys/${key.publicId}/usage`).set(stranger.auth), 404, 'not_found');
    const member = await newTeamMember(app, owner, 'member');
    expectProblem(await app.http().get(`/v1/api-keys/${key.publicId}/usage`).set(member.auth), 403, 'role_forbidden');
  });

  it('sends api_key.expiring 7 days and 1 day before expiry, once each, and again after the expiry changes', async () => {
    await withExpiryClaims(app.dataSource, async () => {
      const company = await newCompany(app);
      await enableApi(app, company);
      const soon = await newKey(app, company, { expiresAt: new Date(Date.now() + 3 * 86_400_000).toISOString() });
      const later = await newKey(app, company, { expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString() });
      const scanner = app.app.get(ApiKeyExpiryWarnings);
      await scanner.scan();
      await scanner.scan();
      const notices = async () => (await outboxEvents(app, company.companyId, 'api_key.expiring')).map((event) => event.data as { publicId: string; notice: string });
      expect(await notices()).toEqual([expect.objectContaining({ publicId: soon.publicId, notice: '7d' })]);

      await app.http().patch(`/v1/api-keys/${soon.publicId}`).set(company.auth).send({ expiresAt: new Date(Date.now() + 12 * 3_600_000).toISOString() }).expect(200);
      await app.http().patch(`/v1/api-keys/${later.publicId}`).set(company.auth).send({ expiresAt: new Date(Date.now() + 5 * 86_400_000).toISOString() }).expect(200);
      await Promise.all([scanner.scan(), scanner.scan()]);
      const all = await notices();
      expect(all).toHaveLength(3);
      expect(all.filter((event) => event.publicId === soon.publicId).map((event) => event.notice)).toEqual(['7d', '1d']);
      expect(all.filter((event) => event.publicId === later.publicId).map((event) => event.notice)).toEqual(['7d']);
    });
  });
});
