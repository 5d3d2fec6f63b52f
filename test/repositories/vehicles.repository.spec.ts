import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
