import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactJsonbText } from '../../src/platform/database/jsonb-text.js';
import { VehicleResponse } from '../../src/vehicles/dto/vehicle.dto.js';
import type { DvlaVehicleData, MotTest } from '../../src/vehicles/lookup/vehicle-data.js';
import { VehiclesRepository } from '../../src/vehicles/vehicles.repository.js';
import { expectOnlyItsCompanyFinds, type RepositoryContext, startRepositoryContext } from '../support/repositories.js';

describe('VehiclesRepository', () => {
  let context: RepositoryContext;
  let vehicles: VehiclesRepository;
  beforeAll(async () => {
    context = await startRepositoryContext();
    vehicles = context.get(VehiclesRepository);
  });
  afterAll(() => context.close());

  it('finds a vehicle for its company only: another company gets nothing, or a 404', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    await expectOnlyItsCompanyFinds(context, vehicles, { owner, id: await context.newVehicle(owner) }, other);
  });

  it('lists the company\'s vehicles newest first, archived ones only when asked, narrowed by registration', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const first = await vehicles.getForCompany(owner, await context.newVehicle(owner));
    const archived = await vehicles.getForCompany(owner, await context.newVehicle(owner));
    archived.archivedAt = new Date();
    await vehicles.save(archived);
    await context.newVehicle(other);

    const active = await vehicles.listForCompany(owner, { limit: 10 });
    expect(active.data.map((vehicle) => vehicle.id)).toEqual([first.id]);
    const all = await vehicles.listForCompany(owner, { limit: 10, includeArchived: true });
    expect(all.data.map((vehicle) => vehicle.id)).toEqual([archived.id, first.id]);
    const byRegistration = await vehicles.listForCompany(owner, { limit: 10, includeArchived: true, registration: archived.registration });
    expect(byRegistration.data.map((vehicle) => vehicle.id)).toEqual([archived.id]);
  });

  it('finds the active vehicle with a registration, never an archived one or another company\'s', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const vehicle = await vehicles.getForCompany(owner, await context.newVehicle(owner));
    expect(await vehicles.findActiveByRegistration(owner, vehicle.registration)).toMatchObject({ id: vehicle.id });
    expect(await vehicles.findActiveByRegistration(other, vehicle.registration)).toBeNull();
    vehicle.archivedAt = new Date();
    await vehicles.save(vehicle);
    expect(await vehicles.findActiveByRegistration(owner, vehicle.registration)).toBeNull();
  });

  it('stores a background lookup only on a vehicle still pending with the same registration', async () => {
    const owner = await context.newCompany();
    const vehicle = await vehicles.getForCompany(owner, await context.newVehicle(owner));
    vehicle.lookupStatus = 'pending';
    await vehicles.save(vehicle);
    const result = { lookupStatus: 'not_found' as const, dvla: null, motTests: [], lookedUpAt: new Date() };

    await vehicles.completePendingLookup(owner, vehicle.id, 'AB12CDE', result);
    expect((await vehicles.getForCompany(owner, vehicle.id)).lookupStatus).toBe('pending');
    await vehicles.completePendingLookup(await context.newCompany(), vehicle.id, vehicle.registration, result);
    expect((await vehicles.getForCompany(owner, vehicle.id)).lookupStatus).toBe('pending');
    await vehicles.completePendingLookup(owner, vehicle.id, vehicle.registration, result);
    expect((await vehicles.getForCompany(owner, vehicle.id)).lookupStatus).toBe('not_found');
  });

  it('reads a vehicle as stored in one prepared statement, its response byte for byte the entity\'s, awkward strings included', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const vehicle = await vehicles.getForCompany(owner, await context.newVehicle(owner));
    const awkward = 'a "quoted", \\back\\slash: {x: [1, 2]}, tab\t, new\nline, \u0001, é €, 🚐, \u2028';
    vehicle.nickname = awkward;
    vehicle.mileage = 12_345;
    vehicle.dvla = { registrationNumber: vehicle.registration, make: awkward, colour: ', ', engineCapacity: 1995, markedForExport: false, taxDueDate: null } as unknown as DvlaVehicleData;
    vehicle.motTests = [
      { completedDate: '2024-01-02', testResult: 'PASSED', odometerValue: 0, odometerUnit: ': ', expiryDate: null, motTestNumber: '1', defects: [{ text: awkward, type: 'ADVISORY', dangerous: false }] },
      { completedDate: '2023-01-02', testResult: 'FAILED', odometerValue: -1.5, odometerUnit: null, expiryDate: '2024-01-01', motTestNumber: null, defects: [] },
    ] as MotTest[];
    await vehicles.save(vehicle);

    const stored = await vehicles.getStoredForCompany(owner, vehicle.id);
    expect(stored.dvla).toContain('", "');
    expect(VehicleResponse.json(stored)).toBe(JSON.stringify(VehicleResponse.of(await vehicles.getForCompany(owner, vehicle.id))));
    expect(compactJsonbText(stored.mot_tests)).toBe(JSON.stringify(JSON.parse(stored.mot_tests)));
    await expect(vehicles.getStoredForCompany(other, vehicle.id)).rejects.toMatchObject({ code: 'not_found' });
    // inside a transaction it runs on the transaction's connection
    await context.uow.run(async () => expect((await vehicles.getStoredForCompany(owner, vehicle.id)).id).toBe(vehicle.id));
  });
});
