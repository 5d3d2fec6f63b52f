import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCompany, type SignedUp } from '../support/factories.js';
import { newCustomer, uniqueRegistration } from '../support/fleet.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { FakeDvla } from './fake-dvla-server.js';

/** Polls `condition` until it holds (bounded). */
async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** On the embedded database a transaction holds its single session: a transaction open across the upstream call would stall every other request. */
describe('a slow upstream lookup holds no database connection', () => {
  const fake = new FakeDvla();
  let app: TestApp;
  let owner: SignedUp;
  let other: SignedUp;
  beforeAll(async () => {
    await fake.start();
    app = await startTestApp({ env: { ...fake.env(), LOOKUP_TIMEOUT_MS: '30000'} });
    [owner, other] = [await newCompany(app), await newCompany(app)];
  });
  afterAll(async () => {
    fake.releaseHeld();
    await app.close();
    await fake.stop();
  });

  /** Sends `write`, waits until it is held at DVLA on `registration`, and proves reads and writes still answer meanwhile. */
  async function whileHeldAtDvla(registration: string, write: () => Promise<Response>): Promise<Response> {
    fake.script(registration, ['held']);
    const calls = fake.callsTo('/vehicle-enquiry', registration).length;
    let answered = false;
    const pending = write().then((response) => {
      answered = true;
      return response;
    });
    await until(() => fake.callsTo('/vehicle-enquiry', registration).length > calls);

    await app.http().get('/v1/vehicles').set(other.auth).expect(200);
    const customer = await newCustomer(app, other, { name: 'Ada Lovelace' });
    await app.http().get(`/v1/customers/${customer.id}`).set(other.auth).expect(200);
    expect(answered).toBe(false);

    fake.releaseHeld();
    return pending;
  }

  const createVehicle = async (registration: string) =>
    (await app.http().post('/v1/vehicles').set(owner.auth).send({ registration }).expect(201)).body as { id: string };

  it('serves other requests, reads and writes, while a vehicle create waits on DVLA', async () => {
    const registration = uniqueRegistration();
    const response = await whileHeldAtDvla(registration, () => app.http().post('/v1/vehicles').set(owner.auth).send({ registration }));
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ registration, lookupStatus: 'complete' });
    const stored = await app.http().get(`/v1/vehicles/${(response.body as { id: string }).id}`).set(owner.auth).expect(200);
    expect(stored.body).toMatchObject({ registration, lookupStatus: 'complete' });
  });

  it('serves other requests while a change of registration waits on DVLA', async () => {
    const vehicle = await createVehicle(uniqueRegistration());
    const registration = uniqueRegistration();
    fake.colours.set(registration, 'GREEN');
    const response = await whileHeldAtDvla(registration, () => app.http().patch(`/v1/vehicles/${vehicle.id}`).set(owner.auth).send({ registration, nickname: 'Van 7' }));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ registration, nickname: 'Van 7', lookupStatus: 'complete', dvla: { colour: 'GREEN' } });
  });

  it('serves other requests while a refreshed lookup waits on DVLA', async () => {
    const registration = uniqueRegistration();
    const vehicle = await createVehicle(registration);
    fake.colours.set(registration, 'RED');
    const response = await whileHeldAtDvla(registration, () => app.http().post(`/v1/vehicles/${vehicle.id}/refresh-lookup`).set(owner.auth));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ registration, lookupStatus: 'complete', dvla: { colour: 'RED' } });
  });

  it('still answers 404 for another company\'s vehicle, without asking DVLA', async () => {
    const vehicle = await createVehicle(uniqueRegistration());
    const registration = uniqueRegistration();
    await app.http().patch(`/v1/vehicles/${vehicle.id}`).set(other.auth).send({ registration }).expect(404);
    await app.http().post(`/v1/vehicles/${vehicle.id}/refresh-lookup`).set(other.auth).expect(404);
    expect(fake.callsTo('/vehicle-enquiry', registration)).toEqual([]);
  });
});
