import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, newCompany, type SignedUp } from '../support/factories.js';
import { gbLicenceNumber, newCustomer, newVehicle, SHARE_CODE, uniqueRegistration } from '../support/fleet.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

type Call = { method: 'get' | 'put' | 'patch' | 'delete' | 'post'; path: (id: string) => string; body?: Record<string, unknown> };

describe('tenant isolation of vehicles, customers and licence checks', () => {
  let app: TestApp;
  let companyA: SignedUp;
  let companyB: SignedUp;
  let vehicleId: string;
  let customerId: string;
  let checkId: string;
  beforeAll(async () => {
    app = await startTestApp();
    companyA = await newCompany(app);
    companyB = await newCompany(app);
    vehicleId = (await newVehicle(app, companyA)).id;
    customerId = (await newCustomer(app, companyA)).id;
    checkId = (await app.http().post('/v1/licence-checks').set(companyA.auth)
      .send({ licenceNumber: gbLicenceNumber(), shareCode: SHARE_CODE, customerId }).expect(201)).body.id as string;
  });
  afterAll(() => app.close());

  const strip = (body: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(body).filter(([key]) => key !== 'requestId' && key !== 'instance'));

  const byId: Array<[string, () => string, Call]> = [
    ['GET vehicle', () => vehicleId, { method: 'get', path: (id) => `/v1/vehicles/${id}` }],
    ['PUT vehicle', () => vehicleId, { method: 'put', path: (id) => `/v1/vehicles/${id}`, body: { registration: uniqueRegistration() } }],
    ['PATCH vehicle', () => vehicleId, { method: 'patch', path: (id) => `/v1/vehicles/${id}`, body: { nickname: 'mine now' } }],
    ['DELETE vehicle', () => vehicleId, { method: 'delete', path: (id) => `/v1/vehicles/${id}` }],
    ['POST vehicle refresh-lookup', () => vehicleId, { method: 'post', path: (id) => `/v1/vehicles/${id}/refresh-lookup` }],
    ['GET customer', () => customerId, { method: 'get', path: (id) => `/v1/customers/${id}` }],
    ['PATCH customer', () => customerId, { method: 'patch', path: (id) => `/v1/customers/${id}`, body: { name: 'mine now' } }],
    ['GET licence check', () => checkId, { method: 'get', path: (id) => `/v1/licence-checks/${id}` }],
  ];

  it.each(byId)('%s of another company is 404 exactly like a random id', async (_name, id, call) => {
    const send = (path: string) => {
      const request = app.http()[call.method](path).set(companyB.auth);
      return call.body ? request.send(call.body) : request;
    };
    const foreign = expectProblem(await send(call.path(id())), 404, 'not_found');
    const random = expectProblem(await send(call.path(randomUUID())), 404, 'not_found');
    expect(strip(foreign)).toEqual(strip(random));
  });

  it('a licence check for another company\'s customer is 404 exactly like a random customer id', async () => {
    const body = (id: string) => ({ licenceNumber: gbLicenceNumber(), shareCode: SHARE_CODE, customerId: id });
    const foreign = expectProblem(await app.http().post('/v1/licence-checks').set(companyB.auth).send(body(customerId)), 404, 'not_found');
    const random = expectProblem(await app.http().post('/v1/licence-checks').set(companyB.auth).send(body(randomUUID())), 404, 'not_found');
    expect(strip(foreign)).toEqual(strip(random));
  });

  it('lists and filters show only the caller\'s records', async () => {
    const vehicle = (await app.http().get(`/v1/vehicles/${vehicleId}`).set(companyA.auth).expect(200)).body as { registration: string };
    const customer = (await app.http().get(`/v1/customers/${customerId}`).set(companyA.auth).expect(200)).body as { email: string };
    const empty = { data: [], nextCursor: null };
    expect((await app.http().get('/v1/vehicles').query({ registration: vehicle.registration, includeArchived: true }).set(companyB.auth).expect(200)).body).toEqual(empty);
    expect((await app.http().get('/v1/customers').query({ email: customer.email }).set(companyB.auth).expect(200)).body).toEqual(empty);
    expect((await app.http().get('/v1/licence-checks').query({ customerId }).set(companyB.auth).expect(200)).body).toEqual(empty);
    expect((await app.http().get('/v1/licence-checks').set(companyB.auth).expect(200)).body).toEqual(empty);
  });

  it('left company A\'s records untouched', async () => {
    const vehicle = await app.http().get(`/v1/vehicles/${vehicleId}`).set(companyA.auth).expect(200);
    expect(vehicle.body).toMatchObject({ archivedAt: null, nickname: null });
    const customer = await app.http().get(`/v1/customers/${customerId}`).set(companyA.auth).expect(200);
    expect(customer.body.name).toBe('Jo Bloggs');
  });
});
