import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, newCompany, newTeamMember, type SignedUp } from '../support/factories.js';
import { gbLicenceNumber, newCustomer, SHARE_CODE } from '../support/fleet.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('customers', () => {
  let app: TestApp;
  let owner: SignedUp;
  beforeAll(async () => {
    app = await startTestApp();
    owner = await newCompany(app);
  });
  afterAll(() => app.close());

  it('creates a customer with normalised e-mail, phone, postcode and licence on file', async () => {
    const response = await app.http().post('/v1/customers').set(owner.auth).send({
      name: '  Jo Bloggs ',
      email: 'Jo.Bloggs@Example.CO.UK',
      phone: '07700 900123',
      address: { line1: '1 High Street', city: 'Leeds', postcode: 'ls14ap' },
      dateOfBirth: '1990-04-21',
      licence: { number: 'morga753116sm9ij', expiresAt: '2031-05-01', categories: ['b', 'BE', 'K'] },
    }).expect(201);
    expect(response.body).toMatchObject({
      name: 'Jo Bloggs',
      email: 'jo.bloggs@example.co.uk',
      phone: '+447700900123',
      address: { line1: '1 High Street', line2: null, city: 'Leeds', postcode: 'LS1 4AP', country: 'GB' },
      dateOfBirth: '1990-04-21',
      licence: { number: 'MORGA753116SM9IJ', expiresAt: '2031-05-01', categories: ['B', 'BE', 'k'] },
      latestLicenceCheck: null,
    });
    const read = await app.http().get(`/v1/customers/${response.body.id}`).set(owner.auth).expect(200);
    expect(read.body).toEqual(response.body);
  });

  it('rejects a bad e-mail, phone, postcode, date of birth, licence number and category with field errors', async () => {
    const response = await app.http().post('/v1/customers').set(owner.auth).send({
      name: 'X',
      email: 'not-an-email',
      phone: '12345',
      address: { line1: '1 High Street', postcode: '12345' },
      dateOfBirth: '2999-01-01',
      licence: { number: 'MORGA713116SM9IJ', categories: ['Z'] },
    });
    const problem = expectProblem(response, 400, 'validation_failed');
    const fields = new Set((problem.errors as Array<{ field: string }>).map((error) => error.field));
    expect(fields).toEqual(new Set(['email', 'phone', 'address.postcode', 'dateOfBirth', 'licence.number', 'licence.categories']));
  });

  it('accepts a foreign address without UK postcode rules and an E.164 number from abroad', async () => {
    const customer = await newCustomer(app, owner, { phone: '+353 86 123 4567', address: { line1: '1 Main St', postcode: 'D02 X285', country: 'ie' } });
    expect(customer).toMatchObject({ phone: '+353861234567', address: { postcode: 'D02 X285', country: 'IE' } });
  });

  it('PATCH changes only the given fields; null clears; the name cannot be cleared', async () => {
    const customer = await newCustomer(app, owner, { name: 'Sam' });
    const patched = await app.http().patch(`/v1/customers/${customer.id}`).set(owner.auth).send({ phone: '+447700900999' }).expect(200);
    expect(patched.body).toMatchObject({ name: 'Sam', email: customer.email, phone: '+447700900999' });
    const cleared = await app.http().patch(`/v1/customers/${customer.id}`).set(owner.auth).send({ email: null }).expect(200);
    expect(cleared.body).toMatchObject({ name: 'Sam', email: null, phone: '+447700900999' });
    expectProblem(await app.http().patch(`/v1/customers/${customer.id}`).set(owner.auth).send({ name: null }), 400, 'validation_failed');
    expectProblem(await app.http().patch(`/v1/customers/${customer.id}`).set(owner.auth).send({ nickname: 'x' }), 400, 'validation_failed');
  });

  it('lists newest first with a cursor and filters by e-mail case-insensitively', async () => {
    const company = await newCompany(app);
    const created = [];
    for (let index = 0; index < 3; index += 1) created.push(await newCustomer(app, company));
    const first = await app.http().get('/v1/customers?limit=2').set(company.auth).expect(200);
    const second = await app.http().get(`/v1/customers?limit=2&cursor=${first.body.nextCursor}`).set(company.auth).expect(200);
    expect([...first.body.data, ...second.body.data].map((item: { id: string }) => item.id)).toEqual(created.map((item) => item.id).reverse());
    expect(second.body.nextCursor).toBeNull();
    const email = String(created[1].email).toUpperCase();
    const filtered = await app.http().get('/v1/customers').query({ email }).set(company.auth).expect(200);
    expect(filtered.body).toEqual({ data: [expect.objectContaining({ id: created[1].id })], nextCursor: null });
  });

  it('shows the latest licence check summary', async () => {
    const customer = await newCustomer(app, owner);
    await app.http().post('/v1/licence-checks').set(owner.auth)
      .send({ licenceNumber: gbLicenceNumber({ check: 'A' }), shareCode: SHARE_CODE, customerId: customer.id }).expect(201);
    const latest = await app.http().post('/v1/licence-checks').set(owner.auth)
      .send({ licenceNumber: gbLicenceNumber({ check: 'Q' }), shareCode: SHARE_CODE, customerId: customer.id }).expect(201);
    const read = await app.http().get(`/v1/customers/${customer.id}`).set(owner.auth).expect(200);
    expect(read.body.latestLicenceCheck).toEqual({
      id: latest.body.id, checkedAt: latest.body.checkedAt, status: 'valid', penaltyPoints: 6, flagged: true,
    });
    const listed = await app.http().get('/v1/customers').query({ email: customer.email }).set(owner.auth).expect(200);
    expect(listed.body.data[0].latestLicenceCheck.id).toBe(latest.body.id);
  });

  it('is read-only for an auditor and writable by a member', async () => {
    const auditor = await newTeamMember(app, owner, 'auditor');
    const member = await newTeamMember(app, owner, 'member');
    const customer = await newCustomer(app, member);
    await app.http().get(`/v1/customers/${customer.id}`).set(auditor.auth).expect(200);
    const denied = await app.http().patch(`/v1/customers/${customer.id}`).set(auditor.auth).send({ name: 'No' });
    expect(denied.status).toBe(403);
  });

  it('answers 404 for a random id', async () => {
    expectProblem(await app.http().get(`/v1/customers/${randomUUID()}`).set(owner.auth), 404, 'not_found');
    expectProblem(await app.http().patch(`/v1/customers/${randomUUID()}`).set(owner.auth).send({ name: 'x' }), 404, 'not_found');
  });
});
