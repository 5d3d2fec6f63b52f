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

describe('a slow upstream lookup holds no database connection', () => {
  const fake = new FakeDvla();
  let app: TestApp;
  let owner: SignedUp;
  let other: SignedUp;
  beforeAll(async () => {
    await fake.start();
    app = await startTestApp({ env: { ...fake.env(), LOOKUP_TIMEOUT_MS: '30000' } });
    [owner, other] = [await newCompany(app), await newCompany(app)];
  });
  afterAll(async () => {
    fake.releaseHeld();
    await app.close();
    await fake.stop();
  });

  it('serves other requests, reads and writes, while a vehicle create waits on DVLA', async () => {
    const registration = uniqueRegistration();
    fake.script(registration, ['held']);
    let created = false;
    const create = app
      .http()
      .post('/v1/vehicles')
      .set(owner.auth)
      .send({ registration })
      .then((response) => {
        created = true;
        return response;
      });
    await until(() => fake.callsTo('/vehicle-enquiry', registration).length > 0);

    // on the embedded database a transaction holds its single session: these would wait for the create
    await app.http().get('/v1/vehicles').set(other.auth).expect(200);
    const customer = await newCustomer(app, other, { name: 'Ada Lovelace' });
    await app.http().get(`/v1/customers/${customer.id}`).set(other.auth).expect(200);
    expect(created).toBe(false);

    fake.releaseHeld();
    const response = await create;
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ registration, lookupStatus: 'complete' });
    const stored = await app.http().get(`/v1/vehicles/${(response.body as { id: string }).id}`).set(owner.auth).expect(200);
    expect(stored.body).toMatchObject({ registration, lookupStatus: 'complete' });
  });
});
