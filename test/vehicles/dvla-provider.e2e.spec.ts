import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCompany, type SignedUp } from '../support/factories.js';
import { newVehicle, uniqueRegistration } from '../support/fleet.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { FakeDvla } from './fake-dvla-server.js';

describe('vehicles with the dvla provider (against a local fake DVLA/DVSA)', () => {
  const fake = new FakeDvla();
  let app: TestApp;
  let owner: SignedUp;
  beforeAll(async () => {
    await fake.start();
    app = await startTestApp({
      env: {
        ...fake.env(),
        LOOKUP_TIMEOUT_MS: '300',
        LOOKUP_RETRY_DELAY_SECONDS: '1',
      },
    });
    owner = await newCompany(app);
  });
  afterAll(async () => {
    await app.close();
    await fake.stop();
  });

  /** Polls GET until the vehicle leaves `pending` (bounded). */
  async function waitForLookup(id: string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await app.http().get(`/v1/vehicles/${id}`).set(owner.auth).expect(200);
      if (response.body.lookupStatus !== 'pending' || Date.now() > deadline) return response.body as Record<string, unknown>;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  it('stores DVLA details and DVSA MOT history from the documented JSON', async () => {
    const registration = uniqueRegistration();
    const vehicle = await newVehicle(app, owner, { registration });
    expect(vehicle).toMatchObject({
      lookupStatus: 'complete',
      dvla: {
        registrationNumber: registration, make: 'FORD', colour: 'BLUE', fuelType: 'PETROL', yearOfManufacture: 2012, engineCapacity: 1596,
        co2Emissions: 139, taxStatus: 'Taxed', taxDueDate: '2026-12-01', motStatus: 'Valid', motExpiryDate: '2026-02-28', monthOfFirstRegistration: '2012-03',
      },
      motTests: [
        { completedDate: '2025-02-20T10:12:51.000Z', testResult: 'PASSED', odometerValue: 65432, odometerUnit: 'MI', expiryDate: '2026-02-28',
          defects: [{ text: 'Nearside Front Tyre worn close to legal limit', type: 'ADVISORY', dangerous: false }] },
        { completedDate: '2024-02-18T09:01:11.000Z', testResult: 'FAILED', odometerValue: 57001, expiryDate: null,
          defects: [{ text: 'Headlamp aim too high', type: 'MAJOR', dangerous: false }] },
      ],
    });
    const [enquiry] = fake.callsTo('/vehicle-enquiry', registration);
    expect(enquiry.method).toBe('POST');
    expect(enquiry.headers['x-api-key']).toBe(FakeDvla.API_KEY);
    expect(JSON.parse(enquiry.body)).toEqual({ registrationNumber: registration });
    const [history] = fake.callsTo('/v1/trade/vehicles/registration/', registration);
    expect(history.headers.authorization).toBe('Bearer fake-access-token');
    expect(history.headers['x-api-key']).toBe(FakeDvla.DVSA_API_KEY);
  });

  it('marks a vehicle DVLA answers 404 for not_found', async () => {
    const registration = uniqueRegistration();
    fake.script(registration, ['404']);
    const vehicle = await newVehicle(app, owner, { registration });
    expect(vehicle).toMatchObject({ lookupStatus: 'not_found', dvla: null, motTests: [] });
  });

  it('retries a 429 and completes', async () => {
    const registration = uniqueRegistration();
    fake.script(registration, ['429']);
    const vehicle = await newVehicle(app, owner, { registration });
    expect(vehicle.lookupStatus).toBe('complete');
    expect(fake.callsTo('/vehicle-enquiry', registration)).toHaveLength(2);
  });

  it('creates the vehicle pending on persistent 500s, and the durable retry completes it', async () => {
    const registration = uniqueRegistration();
    fake.script(registration, ['500', '500']);
    const vehicle = await newVehicle(app, owner, { registration });
    expect(vehicle).toMatchObject({ lookupStatus: 'pending', dvla: null });
    const completed = await waitForLookup(vehicle.id);
    expect(completed).toMatchObject({ lookupStatus: 'complete', dvla: { make: 'FORD', registrationNumber: registration } });
    expect(fake.callsTo('/vehicle-enquiry', registration)).toHaveLength(3);
  });

  it('creates the vehicle pending when DVLA times out, then completes it in the background', async () => {
    const registration = uniqueRegistration();
    fake.script(registration, ['hang', 'hang']);
    const started = Date.now();
    const vehicle = await newVehicle(app, owner, { registration });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(vehicle.lookupStatus).toBe('pending');
    expect(await waitForLookup(vehicle.id)).toMatchObject({ lookupStatus: 'complete' });
  });

  it('refresh-lookup re-pulls the data; an outage keeps the old data and goes pending until the retry', async () => {
    const registration = uniqueRegistration();
    const vehicle = await newVehicle(app, owner, { registration });
    fake.colours.set(registration, 'RED');
    const refreshed = await app.http().post(`/v1/vehicles/${vehicle.id}/refresh-lookup`).set(owner.auth).expect(200);
    expect(refreshed.body).toMatchObject({ lookupStatus: 'complete', dvla: { colour: 'RED' } });
    fake.script(registration, ['500', '500']);
    fake.colours.set(registration, 'GREEN');
    const failed = await app.http().post(`/v1/vehicles/${vehicle.id}/refresh-lookup`).set(owner.auth).expect(200);
    expect(failed.body).toMatchObject({ lookupStatus: 'pending', dvla: { colour: 'RED' } });
    expect(await waitForLookup(vehicle.id)).toMatchObject({ lookupStatus: 'complete', dvla: { colour: 'GREEN' } });
  });

  it('fetches the DVSA OAuth token once and reuses it across lookups', async () => {
    await newVehicle(app, owner);
    await newVehicle(app, owner);
    const tokenRequests = fake.callsTo('/token');
    expect(tokenRequests).toHaveLength(1);
    expect(new URLSearchParams(tokenRequests[0].body).get('grant_type')).toBe('client_credentials');
    expect(new URLSearchParams(tokenRequests[0].body).get('scope')).toBe('https://tapi.dvsa.gov.uk/.default');
  });
});
