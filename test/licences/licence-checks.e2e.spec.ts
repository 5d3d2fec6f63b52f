import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, newCompany, newTeamMember, type SignedUp } from '../support/factories.js';
import { gbLicenceNumber, newCustomer, SHARE_CODE } from '../support/fleet.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('driver licence checks (simulated provider)', () => {
  let app: TestApp;
  let owner: SignedUp;
  beforeAll(async () => {
    app = await startTestApp();
    owner = await newCompany(app);
  });
  afterAll(() => app.close());

  const check = (who: SignedUp, body: Record<string, unknown>) => app.http().post('/v1/licence-checks').set(who.auth).send(body);
  const flaggedEvents = async (companyId: string) =>
    app.dataSource.query<Array<{ data: Record<string, unknown> }>>(`SELECT data FROM outbox_events WHERE company_id = $1 AND type = 'licence.flagged' ORDER BY id`, [companyId]);
  const balance = async (companyId: string) =>
    (await app.dataSource.query<Array<{ credit_balance: number }>>('SELECT credit_balance FROM companies WHERE id = $1', [companyId]))[0].credit_balance;

  it('answers a clean, valid licence: not flagged, no event, no credit spent', async () => {
    const company = await newCompany(app);
    const before = await balance(company.companyId);
    const response = await check(company, { licenceNumber: 'morga 753116 sm9aj', shareCode: SHARE_CODE }).expect(201);
    expect(response.body).toEqual({
      id: expect.any(String),
      licenceNumber: 'MORGA753116SM9AJ',
      customerId: null,
      checkedAt: expect.any(String),
      status: 'valid',
      categories: expect.arrayContaining(['B', 'BE']),
      endorsements: [],
      penaltyPoints: 0,
      flagged: false,
      source: 'simulated',
      warnings: [],
    });
    expect(await flaggedEvents(company.companyId)).toEqual([]);
    expect(await balance(company.companyId)).toBe(before);
    const read = await app.http().get(`/v1/licence-checks/${response.body.id}`).set(company.auth).expect(200);
    expect(read.body).toEqual(response.body);
  });

  it('sums endorsement points: 3 is below the threshold, 6 reaches it and fires licence.flagged', async () => {
    const company = await newCompany(app);
    const three = await check(company, { licenceNumber: gbLicenceNumber({ check: 'K' }), shareCode: SHARE_CODE }).expect(201);
    expect(three.body).toMatchObject({ penaltyPoints: 3, flagged: false, endorsements: [{ code: 'SP30', points: 3, offenceDate: expect.any(String), expiresAt: expect.any(String) }] });
    const six = await check(company, { licenceNumber: gbLicenceNumber({ check: 'R' }), shareCode: SHARE_CODE }).expect(201);
    expect(six.body).toMatchObject({ status: 'valid', penaltyPoints: 6, flagged: true });
    const events = await flaggedEvents(company.companyId);
    expect(events).toEqual([{ data: six.body }]);
  });

  it.each([
    ['1', 'expired'],
    ['2', 'revoked'],
    ['3', 'disqualified'],
  ])('flags a licence whose issue digit is %s (%s) whatever its points', async (issue, status) => {
    const company = await newCompany(app);
    const response = await check(company, { licenceNumber: gbLicenceNumber({ issue, check: 'A' }), shareCode: SHARE_CODE }).expect(201);
    expect(response.body).toMatchObject({ status, flagged: true });
    expect(await flaggedEvents(company.companyId)).toHaveLength(1);
  });

  it('answers 422 ni_licence_unsupported for an 8-digit Northern Ireland number', async () => {
    const problem = expectProblem(await check(owner, { licenceNumber: '1234 5678', shareCode: SHARE_CODE }), 422, 'ni_licence_unsupported');
    expect(problem.detail).toMatch(/not yet available/);
  });

  it.each(['EXPIRED1', 'WRONG123'])('answers 422 share_code_invalid for the share code %s, and stores nothing', async (shareCode) => {
    const company = await newCompany(app);
    expectProblem(await check(company, { licenceNumber: gbLicenceNumber(), shareCode }), 422, 'share_code_invalid');
    const list = await app.http().get('/v1/licence-checks').set(company.auth).expect(200);
    expect(list.body.data).toEqual([]);
  });

  it('rejects a malformed licence number or share code with field errors', async () => {
    const problem = expectProblem(await check(owner, { licenceNumber: 'MORGA702301SM9IJ', shareCode: 'abc' }), 400, 'validation_failed');
    expect(new Set((problem.errors as Array<{ field: string }>).map((error) => error.field))).toEqual(new Set(['licenceNumber', 'shareCode']));
  });

  it('links a check to a customer of the company; another id is 404', async () => {
    const customer = await newCustomer(app, owner);
    const linked = await check(owner, { licenceNumber: gbLicenceNumber(), shareCode: SHARE_CODE, customerId: customer.id }).expect(201);
    expect(linked.body.customerId).toBe(customer.id);
    expectProblem(await check(owner, { licenceNumber: gbLicenceNumber(), shareCode: SHARE_CODE, customerId: randomUUID() }), 404, 'not_found');
    const list = await app.http().get('/v1/licence-checks').query({ customerId: customer.id }).set(owner.auth).expect(200);
    expect(list.body).toEqual({ data: [linked.body], nextCursor: null });
  });

  it("warns licence_mismatch when the customer's licence on file has another number, and not when it matches", async () => {
    const onFile = gbLicenceNumber();
    const customer = (await app.http().post('/v1/customers').set(owner.auth).send({ name: 'Dee Driver', licence: { number: onFile } }).expect(201)).body as { id: string };
    const other = await check(owner, { licenceNumber: gbLicenceNumber({ surname: 'SMITH' }), shareCode: SHARE_CODE, customerId: customer.id }).expect(201);
    expect(other.body.warnings).toEqual([{ code: 'licence_mismatch', message: expect.stringContaining('another number') as unknown }]);
    const read = await app.http().get(`/v1/licence-checks/${other.body.id}`).set(owner.auth).expect(200);
    expect(read.body.warnings).toEqual(other.body.warnings);
    const same = await check(owner, { licenceNumber: onFile, shareCode: SHARE_CODE, customerId: customer.id }).expect(201);
    expect(same.body).toMatchObject({ warnings: [], source: 'simulated' });
  });

  it('pages newest first', async () => {
    const company = await newCompany(app);
    const ids = [];
    for (let index = 0; index < 3; index += 1) ids.push((await check(company, { licenceNumber: gbLicenceNumber(), shareCode: SHARE_CODE }).expect(201)).body.id);
    const first = await app.http().get('/v1/licence-checks?limit=2').set(company.auth).expect(200);
    const second = await app.http().get(`/v1/licence-checks?limit=2&cursor=${first.body.nextCursor}`).set(company.auth).expect(200);
    expect([...first.body.data, ...second.body.data].map((item: { id: string }) => item.id)).toEqual(ids.reverse());
    expect(second.body.nextCursor).toBeNull();
  });

  it('is run by a member, read but not run by an auditor', async () => {
    const member = await newTeamMember(app, owner, 'member');
    const auditor = await newTeamMember(app, owner, 'auditor');
    const created = await check(member, { licenceNumber: gbLicenceNumber(), shareCode: SHARE_CODE }).expect(201);
    await app.http().get(`/v1/licence-checks/${created.body.id}`).set(auditor.auth).expect(200);
    expect((await check(auditor, { licenceNumber: gbLicenceNumber(), shareCode: SHARE_CODE })).status).toBe(403);
  });

  it('never writes the share code to the database', async () => {
    const company = await newCompany(app);
    const shareCode = 'Zq8Wv3Kp';
    const created = await check(company, { licenceNumber: gbLicenceNumber(), shareCode }).expect(201);
    const rows = await app.dataSource.query<Array<{ row: string }>>('SELECT row_to_json(c)::text AS row FROM licence_checks c WHERE id = $1', [created.body.id]);
    expect(rows[0].row).not.toContain(shareCode);
  });
});
