import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceOf, expectLedgerConsistent, getBinary, outboxEvents, pdfText } from '../support/credits.js';
import { expectProblem, newCompany, newTeamMember, type SignedUp } from '../support/factories.js';
import { newCustomer, newVehicle } from '../support/fleet.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface Fleet {
  owner: SignedUp;
  vehicle: { id: string; registration: string };
  customer: { id: string; name: string };
}

describe('rental agreements', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  async function fleet(): Promise<Fleet> {
    const owner = await newCompany(app, { companyName: 'Hire Co Ltd' });
    return { owner, vehicle: await newVehicle(app, owner), customer: await newCustomer(app, owner, { name: 'Jordan Hirer' }) };
  }

  const body = ({ vehicle, customer }: Fleet, overrides: Record<string, unknown> = {}) => ({
    vehicleId: vehicle.id,
    customerId: customer.id,
    startsAt: '2026-12-01T09:00:00Z',
    endsAt: '2026-12-08T09:00:00Z',
    dailyRate: { amount: '45.00', currency: 'GBP' },
    ...overrides,
  });
  const create = (who: SignedUp, payload: Record<string, unknown>) => app.http().post('/v1/agreements').set(who.auth).send(payload);

  describe('POST /v1/agreements', () => {
    it('creates a pending agreement for exactly one credit, money as decimal strings', async () => {
      const f = await fleet();
      const response = await create(
        f.owner,
        body(f, { deposit: { amount: '250', currency: 'GBP' }, mileageLimit: 1000, terms: 'No smoking. Return with a full tank.' }),
      ).expect(201);
      expect(response.body).toEqual({
        id: expect.any(String),
        vehicleId: f.vehicle.id,
        customerId: f.customer.id,
        startsAt: '2026-12-01T09:00:00.000Z',
        endsAt: '2026-12-08T09:00:00.000Z',
        dailyRate: { amount: '45.00', currency: 'GBP' },
        deposit: { amount: '250.00', currency: 'GBP' },
        mileageLimit: 1000,
        terms: 'No smoking. Return with a full tank.',
        status: 'pending_signature',
        signedBy: null,
        signedAt: null,
        createdAt: expect.any(String),
      });
      expect((await app.http().get(`/v1/agreements/${response.body.id}`).set(f.owner.auth).expect(200)).body).toEqual(response.body);
      const ledger = await app.http().get('/v1/credits/transactions?limit=1').set(f.owner.auth).expect(200);
      expect(ledger.body.data[0]).toMatchObject({ delta: -1, balanceAfter: 9, reason: 'agreement', resourceType: 'agreement', resourceId: response.body.id });
      expect(await expectLedgerConsistent(app, f.owner.companyId)).toBe(9);
    });

    it('spends nothing on invalid dates, money or fields', async () => {
      const f = await fleet();
      const cases: Array<[Record<string, unknown>, string]> = [
        [body(f, { endsAt: '2026-12-01T09:00:00Z' }), 'endsAt'],
        [body(f, { endsAt: '2026-11-30T09:00:00Z' }), 'endsAt'],
        [body(f, { startsAt: 'tomorrow' }), 'startsAt'],
        [body(f, { dailyRate: { amount: 45, currency: 'GBP' } }), 'dailyRate.amount'],
        [body(f, { dailyRate: { amount: '45.5', currency: 'GBP' } }), 'dailyRate.amount'],
        [body(f, { dailyRate: { amount: '-1.00', currency: 'GBP' } }), 'dailyRate.amount'],
        [body(f, { dailyRate: { amount: '1234567890.00', currency: 'GBP' } }), 'dailyRate.amount'],
        [body(f, { dailyRate: { amount: '45.00', currency: 'gbp' } }), 'dailyRate.currency'],
        [body(f, { dailyRate: { amount: '45.00', currency: 'XYZ' } }), 'dailyRate.currency'],
        [body(f, { dailyRate: undefined }), 'dailyRate'],
        [body(f, { deposit: { amount: '100.00', currency: 'EUR' } }), 'deposit.currency'],
        [body(f, { mileageLimit: -5 }), 'mileageLimit'],
        [body(f, { customerId: 'nope' }), 'customerId'],
        [body(f, { discount: '5.00' }), 'discount'],
      ];
      for (const [payload, field] of cases) {
        const problem = expectProblem(await create(f.owner, payload), 400, 'validation_failed');
        expect(problem.errors, field).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      }
      expect(await expectLedgerConsistent(app, f.owner.companyId)).toBe(10);
    });

    it('answers 404 for a vehicle or customer that is not the company\'s, and spends nothing', async () => {
      const f = await fleet();
      const other = await fleet();
      expectProblem(await create(f.owner, body(f, { vehicleId: other.vehicle.id })), 404, 'not_found');
      expectProblem(await create(f.owner, body(f, { customerId: other.customer.id })), 404, 'not_found');
      expectProblem(await create(f.owner, body(f, { vehicleId: randomUUID() })), 404, 'not_found');
      expect(await expectLedgerConsistent(app, f.owner.companyId)).toBe(10);
      expect((await app.http().get('/v1/agreements').set(f.owner.auth).expect(200)).body.data).toEqual([]);
    });

    it('accepts EUR and amounts without decimals, refuses auditors', async () => {
      const f = await fleet();
      const response = await create(f.owner, body(f, { dailyRate: { amount: '0045', currency: 'EUR' } })).expect(201);
      expect(response.body.dailyRate).toEqual({ amount: '45.00', currency: 'EUR' });
      const auditor = await newTeamMember(app, f.owner, 'auditor');
      expectProblem(await create(auditor, body(f)), 403, 'role_forbidden');
      expect(await balanceOf(app, f.owner.auth)).toBe(9);
    });
  });

  describe('POST /v1/agreements/{id}/sign', () => {
    it('signs once, for free, and records agreement.signed', async () => {
      const f = await fleet();
      const created = (await create(f.owner, body(f)).expect(201)).body as { id: string };
      const signed = await app.http().post(`/v1/agreements/${created.id}/sign`).set(f.owner.auth).send({ signedBy: 'Jordan Hirer' }).expect(200);
      expect(signed.body).toMatchObject({ id: created.id, status: 'signed', signedBy: 'Jordan Hirer', signedAt: expect.any(String) });
      expectProblem(await app.http().post(`/v1/agreements/${created.id}/sign`).set(f.owner.auth).send({ signedBy: 'Again' }), 409, 'conflict');
      const events = await outboxEvents(app, f.owner.companyId, 'agreement.signed');
      expect(events).toHaveLength(1);
      expect(events[0].data).toMatchObject({ id: created.id, status: 'signed', signedBy: 'Jordan Hirer' });
      expect(await expectLedgerConsistent(app, f.owner.companyId)).toBe(9);
    });

    it('validates signedBy and hides other companies\' agreements', async () => {
      const f = await fleet();
      const other = await newCompany(app);
      const created = (await create(f.owner, body(f)).expect(201)).body as { id: string };
      expectProblem(await app.http().post(`/v1/agreements/${created.id}/sign`).set(f.owner.auth).send({ signedBy: ' ' }), 400, 'validation_failed');
      expectProblem(await app.http().post(`/v1/agreements/${created.id}/sign`).set(other.auth).send({ signedBy: 'X' }), 404, 'not_found');
      expect((await app.http().get(`/v1/agreements/${created.id}`).set(f.owner.auth).expect(200)).body.status).toBe('pending_signature');
    });
  });

  describe('GET /v1/agreements', () => {
    it('lists newest first with vehicleId, customerId and status filters', async () => {
      const f = await fleet();
      const otherVehicle = await newVehicle(app, f.owner);
      const otherCustomer = await newCustomer(app, f.owner);
      const a = (await create(f.owner, body(f)).expect(201)).body as { id: string };
      const b = (await create(f.owner, body(f, { vehicleId: otherVehicle.id })).expect(201)).body as { id: string };
      const c = (await create(f.owner, body(f, { customerId: otherCustomer.id })).expect(201)).body as { id: string };
      await app.http().post(`/v1/agreements/${b.id}/sign`).set(f.owner.auth).send({ signedBy: 'S' }).expect(200);
      const ids = async (query: string) =>
        ((await app.http().get(`/v1/agreements${query}`).set(f.owner.auth).expect(200)).body.data as Array<{ id: string }>).map((item) => item.id);
      expect(await ids('')).toEqual([c.id, b.id, a.id]);
      expect(await ids(`?vehicleId=${f.vehicle.id}`)).toEqual([c.id, a.id]);
      expect(await ids(`?customerId=${f.customer.id}`)).toEqual([b.id, a.id]);
      expect(await ids('?status=signed')).toEqual([b.id]);
      expect(await ids('?status=pending_signature&limit=1')).toEqual([c.id]);
      expectProblem(await app.http().get('/v1/agreements?status=void').set(f.owner.auth), 400, 'validation_failed');
      expect(await expectLedgerConsistent(app, f.owner.companyId)).toBe(7);
    });

    it('shows nothing of another company', async () => {
      const f = await fleet();
      const other = await newCompany(app);
      const mine = (await create(f.owner, body(f)).expect(201)).body as { id: string };
      expect((await app.http().get('/v1/agreements').set(other.auth).expect(200)).body.data).toEqual([]);
      expect((await app.http().get(`/v1/agreements?customerId=${f.customer.id}`).set(other.auth).expect(200)).body.data).toEqual([]);
      expectProblem(await app.http().get(`/v1/agreements/${mine.id}`).set(other.auth), 404, 'not_found');
      expectProblem(await app.http().get(`/v1/agreements/${mine.id}/document`).set(other.auth), 404, 'not_found');
    });
  });

  describe('GET /v1/agreements/{id}/document', () => {
    it('renders parties, vehicle, dates, rates and terms, and the signature block once signed', async () => {
      const f = await fleet();
      const created = (await create(f.owner, body(f, { deposit: { amount: '300.00', currency: 'GBP' }, terms: 'Fair wear and tear excepted.' })).expect(201))
        .body as { id: string };
      const before = await getBinary(app, `/v1/agreements/${created.id}/document`, f.owner.auth).expect(200);
      expect(before.headers['content-type']).toMatch(/^application\/pdf/);
      expect((before.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
      const unsigned = await pdfText(before.body as Buffer);
      for (const expected of ['Hire Co Ltd', 'Jordan Hirer', f.vehicle.registration, '2026-12-01 09:00', '2026-12-08 09:00', '45.00 GBP', '300.00 GBP', 'Fair wear and tear excepted.', 'Awaiting signature']) {
        expect(unsigned).toContain(expected);
      }
      expect(unsigned).not.toContain('Signed by');

      await app.http().post(`/v1/agreements/${created.id}/sign`).set(f.owner.auth).send({ signedBy: 'Jordan Q. Hirer' }).expect(200);
      const after = await pdfText((await getBinary(app, `/v1/agreements/${created.id}/document`, f.owner.auth).expect(200)).body as Buffer);
      expect(after).toContain('Signed by');
      expect(after).toContain('Jordan Q. Hirer');
      expect(after).not.toContain('Awaiting signature');
    });
  });
});
