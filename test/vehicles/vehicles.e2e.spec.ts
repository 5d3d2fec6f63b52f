import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, newCompany, newTeamMember, type SignedUp } from '../support/factories.js';
import { newVehicle, uniqueRegistration } from '../support/fleet.js';
import { enableApi, newKey } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('vehicles (simulated lookup)', () => {
  let app: TestApp;
  let owner: SignedUp;
  beforeAll(async () => {
    app = await startTestApp();
    owner = await newCompany(app);
  });
  afterAll(() => app.close());

  describe('POST /v1/vehicles', () => {
    it('normalises the registration and stores DVLA details and MOT history', async () => {
      const registration = uniqueRegistration();
      const spaced = `${registration.slice(0, 4).toLowerCase()} ${registration.slice(4)}`;
      const response = await app.http().post('/v1/vehicles').set(owner.auth)
        .send({ registration: spaced, vin: 'wf0exxgbbe8y12345', nickname: 'Blue Transit', mileage: 42000 }).expect(201);
      expect(response.body).toMatchObject({
        registration,
        vin: 'WF0EXXGBBE8Y12345',
        nickname: 'Blue Transit',
        mileage: 42000,
        lookupStatus: 'complete',
        archivedAt: null,
        dvla: { registrationNumber: registration, make: expect.any(String), colour: expect.any(String), fuelType: expect.any(String) },
      });
      const age = Number(registration.slice(2, 4));
      expect(response.body.dvla.yearOfManufacture).toBe(age > 50 ? 2000 + age - 50 : 2000 + age);
      expect(Array.isArray(response.body.motTests)).toBe(true);
      for (const test of response.body.motTests) {
        expect(test).toMatchObject({ completedDate: expect.any(String), testResult: expect.stringMatching(/^(PASSED|FAILED)$/), odometerUnit: 'MI' });
        expect(Array.isArray(test.defects)).toBe(true);
      }
      const read = await app.http().get(`/v1/vehicles/${response.body.id}`).set(owner.auth).expect(200);
      expect(read.body).toEqual(response.body);
    });

    it('answers the same data for the same registration (deterministic)', async () => {
      const other = await newCompany(app);
      const registration = uniqueRegistration();
      const a = await newVehicle(app, owner, { registration });
      const b = await newVehicle(app, other, { registration });
      expect(a.dvla).toEqual(b.dvla);
      expect(a.motTests).toEqual(b.motTests);
    });

    it('marks a registration unknown to DVLA (ZZ…) not_found', async () => {
      const company = await newCompany(app);
      const vehicle = await newVehicle(app, company, { registration: 'ZZ99ZZZ' });
      expect(vehicle).toMatchObject({ lookupStatus: 'not_found', dvla: null, motTests: [] });
    });

    it('creates the vehicle pending when the service is down (XX…)', async () => {
      const company = await newCompany(app);
      const vehicle = await newVehicle(app, company, { registration: 'XX99XXX' });
      expect(vehicle).toMatchObject({ lookupStatus: 'pending', dvla: null, motTests: [] });
    });

    it('answers 409 vehicle_exists for a registration already in the company, however it is written', async () => {
      const vehicle = await newVehicle(app, owner);
      const response = await app.http().post('/v1/vehicles').set(owner.auth)
        .send({ registration: ` ${vehicle.registration.toLowerCase().slice(0, 4)}  ${vehicle.registration.slice(4)} ` });
      const problem = expectProblem(response, 409, 'vehicle_exists');
      expect(problem.vehicleId).toBe(vehicle.id);
    });

    it('allows the same registration in another company', async () => {
      const vehicle = await newVehicle(app, owner);
      const other = await newCompany(app);
      await newVehicle(app, other, { registration: vehicle.registration });
    });

    it('rejects an invalid registration, VIN, mileage and unknown properties with field errors', async () => {
      const response = await app.http().post('/v1/vehicles').set(owner.auth)
        .send({ registration: 'AB12CD', vin: 'WF0EXXGBBE8Y1234O', mileage: -1, colour: 'red' });
      const problem = expectProblem(response, 400, 'validation_failed');
      const fields = (problem.errors as Array<{ field: string }>).map((error) => error.field).sort();
      expect(fields).toEqual(['colour', 'mileage', 'registration', 'vin']);
    });

    it('is refused to an auditor (read-only) with 403, and allowed to a member', async () => {
      const auditor = await newTeamMember(app, owner, 'auditor');
      const member = await newTeamMember(app, owner, 'member');
      const denied = await app.http().post('/v1/vehicles').set(auditor.auth).send({ registration: uniqueRegistration() });
      expect(denied.status).toBe(403);
      expect(['insufficient_scope', 'role_forbidden']).toContain(denied.body.code);
      expect(denied.body.requiredScopes).toEqual(['vehicles:write']);
      const created = await newVehicle(app, member);
      await app.http().get(`/v1/vehicles/${created.id}`).set(auditor.auth).expect(200);
    });
  });

  describe('with an API key', () => {
    it('an integrator with vehicles:write adds a vehicle and reads back DVLA and MOT data; vehicles:read cannot add', async () => {
      const company = await newCompany(app);
      await enableApi(app, company);
      const writer = await newKey(app, company, { scopes: ['vehicles:write'] });
      const reader = await newKey(app, company, { scopes: ['vehicles:read'] });
      const created = await app.http().post('/v1/vehicles').set(writer.auth).send({ registration: uniqueRegistration() }).expect(201);
      const read = await app.http().get(`/v1/vehicles/${created.body.id}`).set(reader.auth).expect(200);
      expect(read.body).toMatchObject({ lookupStatus: 'complete', dvla: { make: expect.any(String) } });
      expect(Array.isArray(read.body.motTests)).toBe(true);
      const denied = expectProblem(await app.http().post('/v1/vehicles').set(reader.auth).send({ registration: uniqueRegistration() }), 403, 'insufficient_scope');
      expect(denied.requiredScopes).toEqual(['vehicles:write']);
    });
  });

  describe('PUT and PATCH /v1/vehicles/{id}', () => {
    it('PUT replaces every field: omitted optional fields become null', async () => {
      const vehicle = await newVehicle(app, owner, { nickname: 'Van 1', mileage: 1000, vin: 'WF0EXXGBBE8Y12345' });
      const response = await app.http().put(`/v1/vehicles/${vehicle.id}`).set(owner.auth)
        .send({ registration: vehicle.registration, mileage: 2000 }).expect(200);
      expect(response.body).toMatchObject({ registration: vehicle.registration, mileage: 2000, nickname: null, vin: null, lookupStatus: 'complete' });
      expect(response.body.dvla).toEqual(vehicle.dvla);
    });

    it('PUT requires the registration', async () => {
      const vehicle = await newVehicle(app, owner);
      const response = await app.http().put(`/v1/vehicles/${vehicle.id}`).set(owner.auth).send({ mileage: 5 });
      const problem = expectProblem(response, 400, 'validation_failed');
      expect(new Set((problem.errors as Array<{ field: string }>).map((error) => error.field))).toEqual(new Set(['registration']));
    });

    it('PATCH changes only the given fields, and null clears an optional one', async () => {
      const vehicle = await newVehicle(app, owner, { nickname: 'Van 2', mileage: 1000 });
      const patched = await app.http().patch(`/v1/vehicles/${vehicle.id}`).set(owner.auth).send({ mileage: 1500 }).expect(200);
      expect(patched.body).toMatchObject({ nickname: 'Van 2', mileage: 1500, registration: vehicle.registration });
      const cleared = await app.http().patch(`/v1/vehicles/${vehicle.id}`).set(owner.auth).send({ nickname: null }).expect(200);
      expect(cleared.body).toMatchObject({ nickname: null, mileage: 1500 });
      const nullRegistration = await app.http().patch(`/v1/vehicles/${vehicle.id}`).set(owner.auth).send({ registration: null });
      expectProblem(nullRegistration, 400, 'validation_failed');
    });

    it('PATCH to a new registration looks it up afresh; to a taken one answers 409', async () => {
      const vehicle = await newVehicle(app, owner);
      const taken = await newVehicle(app, owner);
      const renamed = await app.http().patch(`/v1/vehicles/${vehicle.id}`).set(owner.auth).send({ registration: 'ZZ98ZZZ' }).expect(200);
      expect(renamed.body).toMatchObject({ registration: 'ZZ98ZZZ', lookupStatus: 'not_found', dvla: null });
      const conflict = await app.http().patch(`/v1/vehicles/${vehicle.id}`).set(owner.auth).send({ registration: taken.registration });
      expectProblem(conflict, 409, 'vehicle_exists');
    });
  });

  describe('DELETE /v1/vehicles/{id}', () => {
    it('archives: readable by id with archivedAt, hidden from the list unless asked, registration free again', async () => {
      const company = await newCompany(app);
      const vehicle = await newVehicle(app, company);
      const archived = await app.http().delete(`/v1/vehicles/${vehicle.id}`).set(company.auth).expect(200);
      expect(archived.body.archivedAt).toEqual(expect.any(String));
      const read = await app.http().get(`/v1/vehicles/${vehicle.id}`).set(company.auth).expect(200);
      expect(read.body).toMatchObject({ id: vehicle.id, archivedAt: archived.body.archivedAt, dvla: vehicle.dvla });
      const again = await app.http().delete(`/v1/vehicles/${vehicle.id}`).set(company.auth).expect(200);
      expect(again.body.archivedAt).toBe(archived.body.archivedAt);
      const list = await app.http().get('/v1/vehicles').set(company.auth).expect(200);
      expect(list.body.data).toEqual([]);
      const withArchived = await app.http().get('/v1/vehicles?includeArchived=true').set(company.auth).expect(200);
      expect(withArchived.body.data.map((item: { id: string }) => item.id)).toEqual([vehicle.id]);
      const readded = await newVehicle(app, company, { registration: vehicle.registration });
      expect(readded.id).not.toBe(vehicle.id);
    });
  });

  describe('GET /v1/vehicles/{id}', () => {
    it('answers byte for byte what the list answers for the vehicle (stored JSON passed through), with a JSON content type', async () => {
      const company = await newCompany(app);
      const created = await app.http().post('/v1/vehicles').set(company.auth)
        .send({ registration: uniqueRegistration(), nickname: 'Van "7", \\depot: {north}, é 🚐', mileage: 7 }).expect(201);
      const archived = await newVehicle(app, company);
      await app.http().delete(`/v1/vehicles/${archived.id}`).set(company.auth).expect(200);
      const list = await app.http().get('/v1/vehicles?includeArchived=true').set(company.auth).expect(200);
      for (const id of [created.body.id as string, archived.id]) {
        const read = await app.http().get(`/v1/vehicles/${id}`).set(company.auth).expect(200);
        expect(read.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(read.body.motTests.length + Object.keys(read.body.dvla ?? {}).length).toBeGreaterThan(0);
        expect(list.text).toContain(read.text);
        expect(read.text).toBe(JSON.stringify(list.body.data.find((item: { id: string }) => item.id === id)));
      }
      expectProblem(await app.http().get(`/v1/vehicles/${randomUUID()}`).set(company.auth), 404, 'not_found');
    });

    it('reads the row beside the credential check and answers only what the credential allows', async () => {
      const [company, other] = [await newCompany(app), await newCompany(app)];
      await enableApi(app, company);
      await enableApi(app, other);
      const vehicle = await newVehicle(app, company, { nickname: 'Only ours' });
      const [ours, theirs, revoked] = [await newKey(app, company), await newKey(app, other), await newKey(app, company)];
      await app.http().delete(`/v1/api-keys/${revoked.publicId}`).set(company.auth).expect(200);
      const strip = ({ requestId: _requestId, instance: _instance, ...rest }: Record<string, unknown>) => rest;

      const read = await app.http().get(`/v1/vehicles/${vehicle.id.toUpperCase()}`).set(ours.auth).expect(200);
      expect(read.body).toMatchObject({ id: vehicle.id, nickname: 'Only ours' });
      const foreign = expectProblem(await app.http().get(`/v1/vehicles/${vehicle.id}`).set(theirs.auth), 404, 'not_found');
      expect(strip(foreign)).toEqual(strip(expectProblem(await app.http().get(`/v1/vehicles/${randomUUID()}`).set(theirs.auth), 404, 'not_found')));
      const refusals = [
        expectProblem(await app.http().get(`/v1/vehicles/${vehicle.id}`).set(revoked.auth), 401, 'api_key_revoked'),
        expectProblem(await app.http().get(`/v1/vehicles/${vehicle.id}`).set('Authorization', 'Bearer vk_nosuchkey000_x'), 401, 'invalid_credentials'),
        expectProblem(await app.http().get(`/v1/vehicles/${vehicle.id}`), 401, 'unauthenticated'),
      ];
      for (const refusal of refusals) expect(JSON.stringify(refusal)).not.toContain('Only ours');
    });
  });

  describe('GET /v1/vehicles', () => {
    it('pages newest first with an opaque cursor and filters by registration', async () => {
      const company = await newCompany(app);
      const created = [];
      for (let index = 0; index < 5; index += 1) created.push(await newVehicle(app, company));
      const expected = created.map((vehicle) => vehicle.id).reverse();
      const first = await app.http().get('/v1/vehicles?limit=2').set(company.auth).expect(200);
      const second = await app.http().get(`/v1/vehicles?limit=2&cursor=${first.body.nextCursor}`).set(company.auth).expect(200);
      const third = await app.http().get(`/v1/vehicles?limit=2&cursor=${second.body.nextCursor}`).set(company.auth).expect(200);
      const ids = [...first.body.data, ...second.body.data, ...third.body.data].map((vehicle: { id: string }) => vehicle.id);
      expect(ids).toEqual(expected);
      expect(third.body.nextCursor).toBeNull();
      const target = created[2];
      const spaced = `${target.registration.slice(0, 4)} ${target.registration.slice(4).toLowerCase()}`;
      const filtered = await app.http().get('/v1/vehicles').query({ registration: spaced }).set(company.auth).expect(200);
      expect(filtered.body).toEqual({ data: [expect.objectContaining({ id: target.id })], nextCursor: null });
    });

    it('rejects a limit outside 1..100 and a forged cursor', async () => {
      expectProblem(await app.http().get('/v1/vehicles?limit=0').set(owner.auth), 400, 'validation_failed');
      expectProblem(await app.http().get('/v1/vehicles?limit=101').set(owner.auth), 400, 'validation_failed');
      expectProblem(await app.http().get('/v1/vehicles?cursor=not-a-cursor').set(owner.auth), 400, 'validation_failed');
    });
  });

  describe('POST /v1/vehicles/{id}/refresh-lookup', () => {
    it('re-pulls the data', async () => {
      const vehicle = await newVehicle(app, owner);
      const refreshed = await app.http().post(`/v1/vehicles/${vehicle.id}/refresh-lookup`).set(owner.auth).expect(200);
      expect(refreshed.body).toMatchObject({ id: vehicle.id, lookupStatus: 'complete', dvla: vehicle.dvla });
      expect(new Date(refreshed.body.lookedUpAt).getTime()).toBeGreaterThanOrEqual(new Date(vehicle.lookedUpAt as string).getTime());
    });
  });

  it('answers 404 for a random id and for a malformed one', async () => {
    expectProblem(await app.http().get(`/v1/vehicles/${randomUUID()}`).set(owner.auth), 404, 'not_found');
    expectProblem(await app.http().get('/v1/vehicles/not-a-uuid').set(owner.auth), 404, 'not_found');
  });
});
