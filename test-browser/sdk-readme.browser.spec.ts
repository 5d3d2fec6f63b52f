import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleetgateClient, FleetgateProblem, ok } from '../sdk/index.js';
import { startServer, type RunningServer } from './support/server.js';

/** The flows sdk/README.md shows, against the real server. */
describe('the typed client (sdk/README.md)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('exchanges an API key for a token, calls with it, and creates an inspection once with an Idempotency-Key', async () => {
    const baseUrl = server.baseUrl;
    const fleetgate = createFleetgateClient({ baseUrl });
    const owner = await ok(
      fleetgate.POST('/v1/auth/signup', {
        body: { companyName: 'SDK Fleet Ltd', name: 'Sid', email: `sid-${randomUUID()}@example.co.uk`, password: 'correct horse battery staple' },
      }),
    );
    const asOwner = createFleetgateClient({ baseUrl, credential: owner.accessToken });
    await ok(asOwner.PUT('/v1/account/api-access', { body: { enabled: true } }));
    const key = await ok(asOwner.POST('/v1/api-keys', { body: { name: 'SDK test', preset: 'full-fleet-management' } }));

    // the README's VinLink flow
    const { accessToken, refreshToken } = await ok(
      fleetgate.POST('/v1/auth/api-key/token', { headers: { Authorization: `ApiKey ${key.fullApiKey}` }, body: {} }),
    );
    const api = createFleetgateClient({ baseUrl, credential: accessToken });
    const me = await ok(api.GET('/v1/auth/me'));
    expect(me).toMatchObject({ type: 'api_key', publicId: key.publicId });
    expect(me.scopes).toContain('inspections:write');
    const next = await ok(fleetgate.POST('/v1/auth/refresh', { body: { refreshToken: refreshToken! } }));
    expect(next.accessToken).toEqual(expect.any(String));

    // the README's credit-spending create
    const vehicle = await ok(api.POST('/v1/vehicles', { body: { registration: 'AB12 CDE' } }));
    const idempotencyKey = randomUUID();
    const body = {
      vehicleId: vehicle.id,
      templateKey: 'check-out',
      mileage: 42_180,
      items: [
        { key: 'tyres', result: 'pass' as const },
        { key: 'exterior', result: 'fail' as const, note: 'Scratch on the rear bumper' },
      ],
      signOff: { signedBy: 'Dana Driver' },
    };
    const first = await api.POST('/v1/inspections', { params: { header: { 'Idempotency-Key': idempotencyKey } }, body });
    expect(first.response.status).toBe(201);
    expect(first.data?.status).toBe('completed');
    const again = await api.POST('/v1/inspections', { params: { header: { 'Idempotency-Key': idempotencyKey } }, body });
    expect(again.response.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.data?.id).toBe(first.data?.id);
    expect((await ok(asOwner.GET('/v1/account'))).creditBalance).toBe(9);

    // ok() turns a problem into a FleetgateProblem
    const reused = await ok(
      api.POST('/v1/inspections', { params: { header: { 'Idempotency-Key': idempotencyKey } }, body: { ...body, mileage: 1 } }),
    ).catch((error: unknown) => error);
    expect(reused).toBeInstanceOf(FleetgateProblem);
    expect((reused as FleetgateProblem).problem).toMatchObject({ status: 422, code: 'idempotency_key_reused', requestId: expect.any(String) });
  });
});
