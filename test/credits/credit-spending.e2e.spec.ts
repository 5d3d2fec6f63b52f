import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceOf, expectLedgerConsistent, outboxEvents, setBalance } from '../support/credits.js';
import { expectProblem, newCompany, type SignedUp } from '../support/factories.js';
import { newCustomer, newVehicle } from '../support/fleet.js';
import { enableApi, newKey } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ITEMS = [{ key: 'tyres', result: 'pass' }];

describe('spending credits', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const inspect = (who: { auth: { Authorization: string } }, vehicleId: string) =>
    app.http().post('/v1/inspections').set(who.auth).send({ vehicleId, templateKey: 'check-out', items: ITEMS });

  async function companyWithVehicle(): Promise<{ owner: SignedUp; vehicleId: string }> {
    const owner = await newCompany(app);
    return { owner, vehicleId: (await newVehicle(app, owner)).id };
  }

  it('spends exactly 10 of 200 concurrent creates at balance 10: the others get 402 and the balance ends at 0', async () => {
    const { owner, vehicleId } = await companyWithVehicle();
    const customer = await newCustomer(app, owner);
    const agreement = {
      vehicleId,
      customerId: customer.id,
      startsAt: '2026-12-01T09:00:00Z',
      endsAt: '2026-12-02T09:00:00Z',
      dailyRate: { amount: '30.00', currency: 'GBP' },
    };
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        index % 3 === 0 ? app.http().post('/v1/agreements').set(owner.auth).send(agreement) : inspect(owner, vehicleId),
      ),
    );
    const created = responses.filter((response) => response.status === 201);
    const refused = responses.filter((response) => response.status === 402);
    expect(created).toHaveLength(10);
    expect(refused).toHaveLength(190);
    for (const response of refused) {
      expect(expectProblem(response, 402, 'insufficient_credits')).toMatchObject({ balance: 0, required: 1 });
    }
    expect(await balanceOf(app, owner.auth)).toBe(0);
    expect(await expectLedgerConsistent(app, owner.companyId)).toBe(0);
    const inspections = (await app.http().get('/v1/inspections?limit=100').set(owner.auth).expect(200)).body.data as unknown[];
    const agreements = (await app.http().get('/v1/agreements?limit=100').set(owner.auth).expect(200)).body.data as unknown[];
    expect(inspections.length + agreements.length).toBe(10);
    const debits = (await app.http().get('/v1/credits/transactions?limit=100').set(owner.auth).expect(200)).body.data.filter(
      (entry: { delta: number }) => entry.delta < 0,
    ) as Array<{ resourceId: string }>;
    expect(new Set(debits.map((entry) => entry.resourceId))).toEqual(new Set(created.map((response) => response.body.id as string)));
  });

  it('answers 402 insufficient_credits at balance 0 and creates nothing; free operations keep working', async () => {
    const { owner, vehicleId } = await companyWithVehicle();
    const draft = (await inspect(owner, vehicleId).expect(201)).body as { id: string };
    await setBalance(app, owner.companyId, 0);
    const problem = expectProblem(await inspect(owner, vehicleId), 402, 'insufficient_credits');
    expect(problem).toMatchObject({ balance: 0, required: 1 });
    expect((await app.http().get('/v1/inspections').set(owner.auth).expect(200)).body.data).toHaveLength(1);
    await app.http().post(`/v1/inspections/${draft.id}/sign-off`).set(owner.auth).send({ signedBy: 'Free Signer' }).expect(200);
    await newVehicle(app, owner);
    await newCustomer(app, owner);
    expect(await expectLedgerConsistent(app, owner.companyId)).toBe(0);
  });

  it('charges nothing for anything but creating inspections and agreements', async () => {
    const { owner, vehicleId } = await companyWithVehicle();
    const customer = await newCustomer(app, owner);
    await app.http().get('/v1/inspection-templates').set(owner.auth).expect(200);
    await app.http().get(`/v1/vehicles/${vehicleId}`).set(owner.auth).expect(200);
    await app.http().patch(`/v1/customers/${customer.id}`).set(owner.auth).send({ name: 'Renamed' }).expect(200);
    await app.http().get('/v1/credits/transactions').set(owner.auth).expect(200);
    expect(await expectLedgerConsistent(app, owner.companyId)).toBe(10);
  });

  it('leaves one trace of a write whose debit crosses the threshold (taken again at once): one record, one debit, one success event, no refusal', async () => {
    const { owner, vehicleId } = await companyWithVehicle();
    await setBalance(app, owner.companyId, 3);
    const created = (await inspect(owner, vehicleId).expect(201)).body as { id: string };
    const inspections = (await app.http().get('/v1/inspections?limit=10').set(owner.auth).expect(200)).body.data as Array<{ id: string }>;
    expect(inspections.map((inspection) => inspection.id)).toEqual([created.id]);
    // the debits of operations (the set-up's own row names none)
    const debits = (await app.http().get('/v1/credits/transactions?limit=10').set(owner.auth).expect(200)).body.data.filter(
      (entry: { delta: number; resourceId: string | null }) => entry.delta < 0 && entry.resourceId !== null,
    ) as Array<{ resourceId: string; balanceAfter: number }>;
    expect(debits).toMatchObject([{ resourceId: created.id, balanceAfter: 2 }]);
    const events = (await app.http().get('/v1/audit-logs?limit=100').set(owner.auth).expect(200)).body.data as Array<{ action: string; outcome: string; resourceId: string }>;
    expect(events.filter((event) => event.action === 'inspection.create')).toMatchObject([{ outcome: 'success', resourceId: created.id }]);
    expect(await outboxEvents(app, owner.companyId, 'credits.low')).toHaveLength(1);
    expect(await expectLedgerConsistent(app, owner.companyId)).toBe(2);
  });

  it('records credits.low once per downward crossing of the threshold (3 → 2), again only after rising back', async () => {
    const { owner, vehicleId } = await companyWithVehicle();
    await setBalance(app, owner.companyId, 4);
    await inspect(owner, vehicleId).expect(201); // 4 → 3: not below
    expect(await outboxEvents(app, owner.companyId, 'credits.low')).toHaveLength(0);
    await inspect(owner, vehicleId).expect(201); // 3 → 2: fires
    await inspect(owner, vehicleId).expect(201); // 2 → 1: already below
    const once = await outboxEvents(app, owner.companyId, 'credits.low');
    expect(once).toHaveLength(1);
    expect(once[0].data).toEqual({ id: owner.companyId, balance: 2, lowBalanceThreshold: 3 });

    await app.http().post('/v1/credits/top-ups').set(owner.auth).send({ credits: 2, paymentReference: 'pay-1' }).expect(201); // 1 → 3
    await inspect(owner, vehicleId).expect(201); // 3 → 2: fires again
    expect(await outboxEvents(app, owner.companyId, 'credits.low')).toHaveLength(2);
    await inspect(owner, vehicleId).expect(201); // 2 → 1
    await inspect(owner, vehicleId).expect(201); // 1 → 0
    expectProblem(await inspect(owner, vehicleId), 402, 'insufficient_credits');
    expect(await outboxEvents(app, owner.companyId, 'credits.low')).toHaveLength(2);
    expect(await expectLedgerConsistent(app, owner.companyId)).toBe(0);
  });

  describe('an API key\'s dailyCreditLimit', () => {
    it('stops the key at its cap with 402 key_credit_limit_reached while the company can still spend', async () => {
      const { owner, vehicleId } = await companyWithVehicle();
      await enableApi(app, owner);
      const capped = await newKey(app, owner, { preset: 'inspection-submission', dailyCreditLimit: 2 });
      const uncapped = await newKey(app, owner, { preset: 'inspection-submission' });
      const first = await inspect(capped, vehicleId).expect(201);
      await inspect(capped, vehicleId).expect(201);
      const problem = expectProblem(await inspect(capped, vehicleId), 402, 'key_credit_limit_reached');
      expect(problem).toMatchObject({ limit: 2, spentToday: 2 });
      await inspect(uncapped, vehicleId).expect(201);
      await inspect(owner, vehicleId).expect(201);
      expect(await balanceOf(app, owner.auth)).toBe(6);
      const entry = (await app.http().get('/v1/credits/transactions?limit=100').set(owner.auth).expect(200)).body.data.find(
        (item: { resourceId: string | null }) => item.resourceId === first.body.id,
      );
      expect(entry.actor).toMatchObject({ type: 'api_key', publicId: capped.publicId });
      expect(await expectLedgerConsistent(app, owner.companyId)).toBe(6);
    });

    it('holds under concurrency: a cap of 3 lets exactly 3 of 10 concurrent creates through', async () => {
      const { owner, vehicleId } = await companyWithVehicle();
      await enableApi(app, owner);
      const capped = await newKey(app, owner, { preset: 'inspection-submission', dailyCreditLimit: 3 });
      const responses = await Promise.all(Array.from({ length: 10 }, () => inspect(capped, vehicleId)));
      expect(responses.filter((response) => response.status === 201)).toHaveLength(3);
      for (const response of responses.filter((r) => r.status !== 201)) expectProblem(response, 402, 'key_credit_limit_reached');
      expect(await expectLedgerConsistent(app, owner.companyId)).toBe(7);
    });

    it('with a cap of 0 the key cannot spend at all', async () => {
      const { owner, vehicleId } = await companyWithVehicle();
      await enableApi(app, owner);
      const frozen = await newKey(app, owner, { preset: 'inspection-submission', dailyCreditLimit: 0 });
      expect(expectProblem(await inspect(frozen, vehicleId), 402, 'key_credit_limit_reached')).toMatchObject({ limit: 0, spentToday: 0 });
      expect(await expectLedgerConsistent(app, owner.companyId)).toBe(10);
    });
  });
});
