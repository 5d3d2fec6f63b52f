import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLedgerConsistent } from '../support/credits.js';
import { expectProblem, newCompany, newTeamMember } from '../support/factories.js';
import { newVehicle } from '../support/fleet.js';
import { enableApi, newKey } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('credits', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  describe('GET /v1/credits', () => {
    it('shows the 10 welcome credits, the unit price and the low-balance threshold', async () => {
      const owner = await newCompany(app);
      const response = await app.http().get('/v1/credits').set(owner.auth).expect(200);
      expect(response.body).toEqual({ balance: 10, unitPrice: { amount: '1.00', currency: 'GBP' }, lowBalanceThreshold: 3 });
      await expectLedgerConsistent(app, owner.companyId);
    });

    it('is readable by members and auditors', async () => {
      const owner = await newCompany(app);
      for (const role of ['member', 'auditor'] as const) {
        const user = await newTeamMember(app, owner, role);
        await app.http().get('/v1/credits').set(user.auth).expect(200);
        await app.http().get('/v1/credits/transactions').set(user.auth).expect(200);
      }
    });

    it('requires authentication', async () => {
      expectProblem(await app.http().get('/v1/credits'), 401, 'unauthenticated');
      expectProblem(await app.http().get('/v1/credits/transactions'), 401, 'unauthenticated');
    });
  });

  describe('GET /v1/credits/transactions', () => {
    it('starts with the welcome row, by the owner who signed up', async () => {
      const owner = await newCompany(app);
      const response = await app.http().get('/v1/credits/transactions').set(owner.auth).expect(200);
      expect(response.body).toEqual({
        data: [
          {
            id: expect.any(String),
            delta: 10,
            balanceAfter: 10,
            reason: 'welcome',
            resourceType: null,
            resourceId: null,
            paymentReference: null,
            actor: { type: 'user', id: owner.userId, name: 'Olive Owner' },
            createdAt: expect.any(String),
          },
        ],
        nextCursor: null,
      });
    });

    it('pages newest first and shows only the caller\'s company', async () => {
      const owner = await newCompany(app);
      const other = await newCompany(app);
      for (const credits of [5, 7]) {
        await app.http().post('/v1/credits/top-ups').set(owner.auth).send({ credits, paymentReference: `pay-${credits}` }).expect(201);
      }
      const first = await app.http().get('/v1/credits/transactions?limit=2').set(owner.auth).expect(200);
      expect(first.body.data.map((entry: { delta: number }) => entry.delta)).toEqual([7, 5]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await app.http().get(`/v1/credits/transactions?limit=2&cursor=${first.body.nextCursor}`).set(owner.auth).expect(200);
      expect(second.body).toMatchObject({ data: [{ reason: 'welcome', delta: 10 }], nextCursor: null });

      const theirs = await app.http().get('/v1/credits/transactions').set(other.auth).expect(200);
      expect(theirs.body.data).toHaveLength(1);
      expect((await app.http().get('/v1/credits').set(other.auth).expect(200)).body.balance).toBe(10);
    });

    it('filters by reason and by actor (a user id or a key\'s publicId), paging within the filter', async () => {
      const owner = await newCompany(app);
      await enableApi(app, owner);
      const admin = await newTeamMember(app, owner, 'admin');
      const vehicle = await newVehicle(app, owner);
      const key = await newKey(app, admin, { preset: 'inspection-submission' });
      const inspect = (auth: { Authorization: string }) =>
        app.http().post('/v1/inspections').set(auth).send({ vehicleId: vehicle.id, templateKey: 'check-out', items: [{ key: 'tyres', result: 'pass' }] }).expect(201);
      const byKey = [(await inspect(key.auth)).body.id as string, (await inspect(key.auth)).body.id as string];
      const byAdmin = (await inspect(admin.auth)).body.id as string;
      await app.http().post('/v1/credits/top-ups').set(owner.auth).send({ credits: 5, paymentReference: 'pay-5' }).expect(201);
      const list = async (query: string) => (await app.http().get(`/v1/credits/transactions?${query}`).set(owner.auth).expect(200)).body as { data: Array<{ reason: string; resourceId: string | null; actor: { id: string | null; publicId?: string } }>; nextCursor: string | null };

      expect((await list('reason=inspection')).data.map((entry) => entry.resourceId)).toEqual([byAdmin, byKey[1], byKey[0]]);
      expect((await list('reason=top_up')).data).toHaveLength(1);
      expect((await list('reason=refund')).data).toEqual([]);
      const keys = await list(`actor=${key.publicId}`);
      expect(keys.data.map((entry) => entry.actor.publicId)).toEqual([key.publicId, key.publicId]);
      // the key's publicId in any case, as the audit log takes it; one entry a page, then the next
      const firstPage = await list(`actor=${key.publicId.toUpperCase()}&limit=1`);
      expect(firstPage.data).toHaveLength(1);
      expect((await list(`actor=${key.publicId}&limit=1&cursor=${firstPage.nextCursor}`))).toMatchObject({ data: [{ actor: { publicId: key.publicId } }], nextCursor: null });
      expect((await list(`actor=${admin.userId}`)).data.map((entry) => entry.resourceId)).toEqual([byAdmin]);
      expect((await list(`actor=${owner.userId}&reason=top_up`)).data).toHaveLength(1);
      expect((await list(`actor=${owner.userId}&reason=inspection`)).data).toEqual([]);

      // another company's actor finds nothing here
      const other = await newCompany(app);
      expect((await app.http().get(`/v1/credits/transactions?actor=${key.publicId}`).set(other.auth).expect(200)).body.data).toEqual([]);
    });

    it('refuses an unknown reason and a malformed actor with 400 validation_failed naming the field', async () => {
      const owner = await newCompany(app);
      for (const [query, field] of [
        ['reason=gift', 'reason'],
        ['reason=', 'reason'],
        ['actor=not%20a%20key', 'actor'],
        ['actor=%27%3B--', 'actor'],
        [`actor=${'a'.repeat(65)}`, 'actor'],
      ] as const) {
        const problem = expectProblem(await app.http().get(`/v1/credits/transactions?${query}`).set(owner.auth), 400, 'validation_failed');
        expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      }
    });

    it('refuses a limit outside 1..100 and a malformed cursor', async () => {
      const owner = await newCompany(app);
      expectProblem(await app.http().get('/v1/credits/transactions?limit=0').set(owner.auth), 400, 'validation_failed');
      expectProblem(await app.http().get('/v1/credits/transactions?limit=101').set(owner.auth), 400, 'validation_failed');
      expectProblem(await app.http().get('/v1/credits/transactions?cursor=nope').set(owner.auth), 400, 'validation_failed');
    });
  });

  describe('POST /v1/credits/top-ups', () => {
    it('adds credits with a ledger entry carrying the payment reference', async () => {
      const owner = await newCompany(app);
      const response = await app
        .http()
        .post('/v1/credits/top-ups')
        .set(owner.auth)
        .send({ credits: 25, paymentReference: 'pi_3Q0abc' })
        .expect(201);
      expect(response.body).toMatchObject({
        delta: 25,
        balanceAfter: 35,
        reason: 'top_up',
        paymentReference: 'pi_3Q0abc',
        actor: { type: 'user', id: owner.userId },
      });
      expect((await app.http().get('/v1/credits').set(owner.auth).expect(200)).body.balance).toBe(35);
      expect(await expectLedgerConsistent(app, owner.companyId)).toBe(35);
    });

    it('is for owners only', async () => {
      const owner = await newCompany(app);
      for (const role of ['admin', 'member', 'auditor'] as const) {
        const user = await newTeamMember(app, owner, role);
        const response = await app.http().post('/v1/credits/top-ups').set(user.auth).send({ credits: 5, paymentReference: 'x' });
        expectProblem(response, 403, 'role_forbidden');
      }
      expect(await expectLedgerConsistent(app, owner.companyId)).toBe(10);
    });

    it('validates credits (1..100000) and the payment reference', async () => {
      const owner = await newCompany(app);
      const cases = [
        [{ credits: 0, paymentReference: 'x' }, 'credits'],
        [{ credits: 100_001, paymentReference: 'x' }, 'credits'],
        [{ credits: 1.5, paymentReference: 'x' }, 'credits'],
        [{ credits: '5', paymentReference: 'x' }, 'credits'],
        [{ credits: 5 }, 'paymentReference'],
        [{ credits: 5, paymentReference: '   ' }, 'paymentReference'],
        [{ credits: 5, paymentReference: 'x', extra: true }, 'extra'],
      ] as const;
      for (const [body, field] of cases) {
        const problem = expectProblem(await app.http().post('/v1/credits/top-ups').set(owner.auth).send(body), 400, 'validation_failed');
        expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      }
      expect(await expectLedgerConsistent(app, owner.companyId)).toBe(10);
    });
  });
});
