import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceOf, expectLedgerConsistent, getBinary, outboxEvents, pdfText } from '../support/credits.js';
import { expectProblem, newCompany, newTeamMember, type SignedUp } from '../support/factories.js';
import { newVehicle } from '../support/fleet.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ITEMS = [
  { key: 'tyres', result: 'pass' },
  { key: 'exterior', result: 'fail', note: 'Scuffed offside door' },
  { key: 'lights', result: 'na' },
];

describe('inspections', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const create = (who: SignedUp, body: Record<string, unknown>) => app.http().post('/v1/inspections').set(who.auth).send(body);

  async function companyWithVehicle(): Promise<{ owner: SignedUp; vehicle: { id: string; registration: string; dvla?: { make?: string } } }> {
    const owner = await newCompany(app);
    const vehicle = (await newVehicle(app, owner)) as { id: string; registration: string; dvla?: { make?: string } };
    return { owner, vehicle };
  }

  describe('GET /v1/inspection-templates', () => {
    it('lists the three starter templates of the company', async () => {
      const owner = await newCompany(app);
      const response = await app.http().get('/v1/inspection-templates').set(owner.auth).expect(200);
      expect(response.body.nextCursor).toBeNull();
      expect(response.body.data.map((template: { key: string }) => template.key)).toEqual(['check-out', 'check-in', 'damage']);
      for (const template of response.body.data) {
        expect(template).toEqual({ id: expect.any(String), key: expect.any(String), name: expect.any(String), items: expect.any(Array) });
        expect(template.items[0]).toEqual({ key: expect.any(String), label: expect.any(String) });
      }
      const again = await app.http().get('/v1/inspection-templates').set(owner.auth).expect(200);
      expect(again.body).toEqual(response.body);
    });

    it('gives each company its own templates, readable by auditors, with pagination', async () => {
      const a = await newCompany(app);
      const b = await newCompany(app);
      const auditor = await newTeamMember(app, a, 'auditor');
      const ofA = (await app.http().get('/v1/inspection-templates').set(auditor.auth).expect(200)).body.data as Array<{ id: string }>;
      const ofB = (await app.http().get('/v1/inspection-templates').set(b.auth).expect(200)).body.data as Array<{ id: string }>;
      expect(ofA.map((t) => t.id)).not.toEqual(expect.arrayContaining([ofB[0].id]));
      const page = await app.http().get('/v1/inspection-templates?limit=2').set(a.auth).expect(200);
      expect(page.body.data).toHaveLength(2);
      const rest = await app.http().get(`/v1/inspection-templates?limit=2&cursor=${page.body.nextCursor}`).set(a.auth).expect(200);
      expect(rest.body).toMatchObject({ data: [{ key: 'damage' }], nextCursor: null });
      expectProblem(await app.http().get('/v1/inspection-templates?limit=101').set(a.auth), 400, 'validation_failed');
      expectProblem(await app.http().get('/v1/inspection-templates'), 401, 'unauthenticated');
    });
  });

  describe('POST /v1/inspections', () => {
    it('creates a draft for exactly one credit, with a ledger row naming it', async () => {
      const { owner, vehicle } = await companyWithVehicle();
      const response = await create(owner, { vehicleId: vehicle.id, templateKey: 'check-out', mileage: 12_345, fuelLevel: 0.75, items: ITEMS }).expect(201);
      expect(response.body).toMatchObject({
        vehicleId: vehicle.id,
        status: 'draft',
        mileage: 12_345,
        fuelLevel: 0.75,
        damages: [],
        signedBy: null,
        signedOffAt: null,
      });
      // in the template's order, labelled
      expect(response.body.items).toEqual([
        { key: 'exterior', label: 'Exterior bodywork and paint', result: 'fail', note: 'Scuffed offside door' },
        { key: 'tyres', label: 'Tyres, tread depth and wheels', result: 'pass', note: null },
        { key: 'lights', label: 'Lights and indicators', result: 'na', note: null },
      ]);
      expect(await balanceOf(app, owner.auth)).toBe(9);
      const ledger = await app.http().get('/v1/credits/transactions?limit=1').set(owner.auth).expect(200);
      expect(ledger.body.data[0]).toMatchObject({
        delta: -1,
        balanceAfter: 9,
        reason: 'inspection',
        resourceType: 'inspection',
        resourceId: response.body.id,
        actor: { type: 'user', id: owner.userId },
      });
      await expectLedgerConsistent(app, owner.companyId);
      expect(await outboxEvents(app, owner.companyId, 'inspection.completed')).toEqual([]);
    });

    it('creates a completed inspection with signOff, by template id, and records inspection.completed', async () => {
      const { owner, vehicle } = await companyWithVehicle();
      const templates = (await app.http().get('/v1/inspection-templates').set(owner.auth).expect(200)).body.data as Array<{ id: string; key: string }>;
      const damage = templates.find((t) => t.key === 'damage')!;
      const response = await create(owner, {
        vehicleId: vehicle.id,
        templateId: damage.id,
        items: [{ key: 'photos', result: 'pass' }],
        damages: [{ location: 'Rear bumper', description: 'Dent, 5 cm', severity: 'minor' }],
        signOff: { signedBy: 'Sam Driver' },
      }).expect(201);
      expect(response.body).toMatchObject({ templateId: damage.id, status: 'completed', signedBy: 'Sam Driver', signedOffAt: expect.any(String) });
      expect(response.body.damages).toEqual([{ location: 'Rear bumper', description: 'Dent, 5 cm', severity: 'minor' }]);
      const events = await outboxEvents(app, owner.companyId, 'inspection.completed');
      expect(events).toHaveLength(1);
      expect(events[0].data).toMatchObject({ id: response.body.id, status: 'completed' });
      expect(await expectLedgerConsistent(app, owner.companyId)).toBe(9);
    });

    it('spends nothing when the request is invalid', async () => {
      const { owner, vehicle } = await companyWithVehicle();
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ vehicleId: vehicle.id, templateKey: 'check-out', items: [{ key: 'tyres', result: 'maybe' }] }, 'items.0.result'],
        [{ vehicleId: vehicle.id, templateKey: 'check-out', items: [] }, 'items'],
        [{ vehicleId: vehicle.id, templateKey: 'check-out' }, 'items'],
        [{ vehicleId: vehicle.id, templateKey: 'check-out', items: ITEMS, fuelLevel: 1.5 }, 'fuelLevel'],
        [{ vehicleId: vehicle.id, templateKey: 'check-out', items: ITEMS, mileage: -1 }, 'mileage'],
        [{ vehicleId: vehicle.id, templateKey: 'check-out', items: ITEMS, colour: 'red' }, 'colour'],
        [{ vehicleId: vehicle.id, templateKey: 'check-out', items: ITEMS, signOff: {} }, 'signOff.signedBy'],
        [{ vehicleId: vehicle.id, templateKey: 'check-out', items: ITEMS, damages: [{ location: 'x', description: 'y', severity: 'huge' }] }, 'damages.0.severity'],
        [{ vehicleId: 'not-a-uuid', templateKey: 'check-out', items: ITEMS }, 'vehicleId'],
        [{ vehicleId: vehicle.id, items: ITEMS }, 'templateId'],
        [{ vehicleId: vehicle.id, templateKey: 'valeting', items: ITEMS }, 'templateKey'],
        [{ vehicleId: vehicle.id, templateKey: 'check-out', items: [{ key: 'photos', result: 'pass' }] }, 'items.0.key'],
        [{ vehicleId: vehicle.id, templateKey: 'check-out', items: [{ key: 'tyres', result: 'pass' }, { key: 'tyres', result: 'fail' }] }, 'items.1.key'],
      ];
      for (const [body, field] of cases) {
        const problem = expectProblem(await create(owner, body), 400, 'validation_failed');
        expect(problem.errors, field).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      }
      expect(await expectLedgerConsistent(app, owner.companyId)).toBe(10);
      expect((await app.http().get('/v1/inspections').set(owner.auth).expect(200)).body.data).toEqual([]);
    });

    it('answers 404 for a vehicle or template that is not the company\'s, and spends nothing', async () => {
      const { owner } = await companyWithVehicle();
      const other = await companyWithVehicle();
      const theirTemplate = (await app.http().get('/v1/inspection-templates').set(other.owner.auth).expect(200)).body.data[0] as { id: string };
      expectProblem(await create(owner, { vehicleId: randomUUID(), templateKey: 'check-out', items: ITEMS }), 404, 'not_found');
      expectProblem(await create(owner, { vehicleId: other.vehicle.id, templateKey: 'check-out', items: ITEMS }), 404, 'not_found');
      const ownVehicle = await newVehicle(app, owner);
      expectProblem(await create(owner, { vehicleId: ownVehicle.id, templateId: theirTemplate.id, items: ITEMS }), 404, 'not_found');
      expect(await expectLedgerConsistent(app, owner.companyId)).toBe(10);
    });

    it('keeps no template its first use made in a transaction that rolled back: the next create finds them stored', async () => {
      const { owner, vehicle } = await companyWithVehicle();
      const templatesOf = (companyId: string) => app.dataSource.query('SELECT id FROM inspection_templates WHERE company_id = $1', [companyId]);
      // the company's first inspection makes its starter templates, then is refused: all of it rolls back
      expectProblem(await create(owner, { vehicleId: vehicle.id, templateKey: 'check-out', items: [{ key: 'photos', result: 'pass' }] }), 400, 'validation_failed');
      expect(await templatesOf(owner.companyId)).toEqual([]);
      await create(owner, { vehicleId: vehicle.id, templateKey: 'check-out', items: ITEMS }).expect(201);
      const [byId] = (await app.http().get('/v1/inspection-templates').set(owner.auth).expect(200)).body.data as Array<{ id: string }>;
      await create(owner, { vehicleId: vehicle.id, templateId: byId.id, items: [{ key: 'tyres', result: 'pass' }] }).expect(201);
      expect(await templatesOf(owner.companyId)).toHaveLength(3);
      expect(await expectLedgerConsistent(app, owner.companyId)).toBe(8);
    });

    it('answers 404 for another company\'s template id after that company has used it', async () => {
      const { owner, vehicle } = await companyWithVehicle();
      const other = await companyWithVehicle();
      const [theirs] = (await app.http().get('/v1/inspection-templates').set(other.owner.auth).expect(200)).body.data as Array<{ id: string }>;
      for (let use = 0; use < 2; use += 1) await create(other.owner, { vehicleId: other.vehicle.id, templateId: theirs.id, items: ITEMS }).expect(201);
      expectProblem(await create(owner, { vehicleId: vehicle.id, templateId: theirs.id, items: ITEMS }), 404, 'not_found');
      expect(await expectLedgerConsistent(app, owner.companyId)).toBe(10);
    });

    it('has templates the database keeps as stored: an UPDATE or DELETE is refused', async () => {
      const { owner } = await companyWithVehicle();
      await app.http().get('/v1/inspection-templates').set(owner.auth).expect(200);
      await expect(app.dataSource.query(`UPDATE inspection_templates SET name = 'Changed' WHERE company_id = $1`, [owner.companyId])).rejects.toMatchObject({ driverError: { code: '23001' } });
      await expect(app.dataSource.query('DELETE FROM inspection_templates WHERE company_id = $1', [owner.companyId])).rejects.toMatchObject({ driverError: { code: '23001' } });
      expect(await app.dataSource.query('SELECT name FROM inspection_templates WHERE company_id = $1 ORDER BY name', [owner.companyId])).toHaveLength(3);
    });

    it('is refused to auditors (role_forbidden) and needs authentication', async () => {
      const { owner, vehicle } = await companyWithVehicle();
      const auditor = await newTeamMember(app, owner, 'auditor');
      expectProblem(await create(auditor, { vehicleId: vehicle.id, templateKey: 'check-out', items: ITEMS }), 403, 'role_forbidden');
      expectProblem(await app.http().post('/v1/inspections').send({}), 401, 'unauthenticated');
      const member = await newTeamMember(app, owner, 'member');
      await create(member, { vehicleId: vehicle.id, templateKey: 'check-out', items: ITEMS }).expect(201);
      expect(await expectLedgerConsistent(app, owner.companyId)).toBe(9);
    });
  });

  describe('POST /v1/inspections/{id}/sign-off', () => {
    it('completes a draft for free, once, and records inspection.completed', async () => {
      const { owner, vehicle } = await companyWithVehicle();
      const draft = (await create(owner, { vehicleId: vehicle.id, templateKey: 'check-in', items: ITEMS }).expect(201)).body as { id: string };
      const signed = await app.http().post(`/v1/inspections/${draft.id}/sign-off`).set(owner.auth).send({ signedBy: 'Pat Checker' }).expect(200);
      expect(signed.body).toMatchObject({ id: draft.id, status: 'completed', signedBy: 'Pat Checker', signedOffAt: expect.any(String) });
      const again = await app.http().post(`/v1/inspections/${draft.id}/sign-off`).set(owner.auth).send({ signedBy: 'Someone Else' });
      expectProblem(again, 409, 'conflict');
      const events = await outboxEvents(app, owner.companyId, 'inspection.completed');
      expect(events.map((event) => event.data.id)).toEqual([draft.id]);
      expect(await expectLedgerConsistent(app, owner.companyId)).toBe(9);
    });

    it('validates signedBy and hides other companies\' inspections', async () => {
      const { owner, vehicle } = await companyWithVehicle();
      const other = await newCompany(app);
      const draft = (await create(owner, { vehicleId: vehicle.id, templateKey: 'check-in', items: ITEMS }).expect(201)).body as { id: string };
      expectProblem(await app.http().post(`/v1/inspections/${draft.id}/sign-off`).set(owner.auth).send({}), 400, 'validation_failed');
      expectProblem(await app.http().post(`/v1/inspections/${draft.id}/sign-off`).set(other.auth).send({ signedBy: 'X' }), 404, 'not_found');
      expectProblem(await app.http().post(`/v1/inspections/${randomUUID()}/sign-off`).set(owner.auth).send({ signedBy: 'X' }), 404, 'not_found');
      expect((await app.http().get(`/v1/inspections/${draft.id}`).set(owner.auth).expect(200)).body.status).toBe('draft');
    });
  });

  describe('GET /v1/inspections', () => {
    it('lists newest first with vehicleId and status filters, and gets one', async () => {
      const { owner, vehicle } = await companyWithVehicle();
      const second = await newVehicle(app, owner);
      const a = (await create(owner, { vehicleId: vehicle.id, templateKey: 'check-out', items: ITEMS }).expect(201)).body as { id: string };
      const b = (await create(owner, { vehicleId: second.id, templateKey: 'check-out', items: ITEMS, signOff: { signedBy: 'Q' } }).expect(201)).body as { id: string };
      const c = (await create(owner, { vehicleId: vehicle.id, templateKey: 'check-in', items: ITEMS }).expect(201)).body as { id: string };
      const ids = async (query: string) =>
        ((await app.http().get(`/v1/inspections${query}`).set(owner.auth).expect(200)).body.data as Array<{ id: string }>).map((item) => item.id);
      expect(await ids('')).toEqual([c.id, b.id, a.id]);
      expect(await ids(`?vehicleId=${vehicle.id}`)).toEqual([c.id, a.id]);
      expect(await ids('?status=completed')).toEqual([b.id]);
      expect(await ids(`?status=draft&vehicleId=${vehicle.id}&limit=1`)).toEqual([c.id]);
      expectProblem(await app.http().get('/v1/inspections?status=done').set(owner.auth), 400, 'validation_failed');
      expectProblem(await app.http().get('/v1/inspections?vehicleId=nope').set(owner.auth), 400, 'validation_failed');
      const one = await app.http().get(`/v1/inspections/${b.id}`).set(owner.auth).expect(200);
      expect(one.body).toMatchObject({ id: b.id, vehicleId: second.id, status: 'completed' });
      expect(await expectLedgerConsistent(app, owner.companyId)).toBe(7);
    });

    it('shows nothing of another company', async () => {
      const { owner, vehicle } = await companyWithVehicle();
      const other = await newCompany(app);
      const mine = (await create(owner, { vehicleId: vehicle.id, templateKey: 'check-out', items: ITEMS }).expect(201)).body as { id: string };
      expect((await app.http().get('/v1/inspections').set(other.auth).expect(200)).body.data).toEqual([]);
      expect((await app.http().get(`/v1/inspections?vehicleId=${vehicle.id}`).set(other.auth).expect(200)).body.data).toEqual([]);
      expectProblem(await app.http().get(`/v1/inspections/${mine.id}`).set(other.auth), 404, 'not_found');
      expectProblem(await app.http().get('/v1/inspections/not-a-uuid').set(owner.auth), 404, 'not_found');
    });
  });

  describe('GET /v1/inspections/{id}/pdf', () => {
    it('renders a completed report with registration, make, items, damages, signer and date', async () => {
      const { owner, vehicle } = await companyWithVehicle();
      const created = await create(owner, {
        vehicleId: vehicle.id,
        templateKey: 'check-out',
        items: ITEMS,
        damages: [{ location: 'Nearside wing', description: 'Deep scratch', severity: 'major' }],
        signOff: { signedBy: 'Morgan Inspector' },
      }).expect(201);
      const response = await getBinary(app, `/v1/inspections/${created.body.id}/pdf`, owner.auth).expect(200);
      expect(response.headers['content-type']).toMatch(/^application\/pdf/);
      const pdf = response.body as Buffer;
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const text = await pdfText(pdf);
      expect(text).toContain(vehicle.registration);
      expect(text).toContain('Morgan Inspector');
      expect(text).toContain('Tyres, tread depth and wheels');
      expect(text).toContain('Deep scratch');
      expect(text).toContain(String(created.body.signedOffAt).slice(0, 10));
      if (vehicle.dvla?.make) expect(text).toContain(vehicle.dvla.make);
    });

    it('answers 409 not_signed_off for a draft and 404 for another company', async () => {
      const { owner, vehicle } = await companyWithVehicle();
      const other = await newCompany(app);
      const draft = (await create(owner, { vehicleId: vehicle.id, templateKey: 'check-out', items: ITEMS }).expect(201)).body as { id: string };
      expectProblem(await app.http().get(`/v1/inspections/${draft.id}/pdf`).set(owner.auth), 409, 'not_signed_off');
      await app.http().post(`/v1/inspections/${draft.id}/sign-off`).set(owner.auth).send({ signedBy: 'Alex' }).expect(200);
      expectProblem(await app.http().get(`/v1/inspections/${draft.id}/pdf`).set(other.auth), 404, 'not_found');
      await getBinary(app, `/v1/inspections/${draft.id}/pdf`, owner.auth).expect(200);
    });
  });
});
