import { randomUUID } from 'node:crypto';
import type { Type } from '@nestjs/common';
import { expect } from 'vitest';
import { CompaniesRepository } from '../../src/identity/directory/companies.repository.js';
import { type User, UsersRepository } from '../../src/identity/directory/users.repository.js';
import { UnitOfWork } from '../../src/platform/database/unit-of-work.js';
import type { TenantRepository } from '../../src/platform/database/tenant-repository.js';
import { uniqueRegistration } from './fleet.js';
import { startTestApp, type TestApp, type TestAppOptions } from './test-app.js';
import { VehiclesRepository } from '../../src/vehicles/vehicles.repository.js';
import { CustomersRepository } from '../../src/customers/customers.repository.js';

/**
 * Repositories on the real database (PGlite, or PostgreSQL with DATABASE_URL): the app's own
 * providers, without HTTP in front. Companies are plain rows, so a test makes as many as it needs.
 */
export interface RepositoryContext {
  app: TestApp;
  uow: UnitOfWork;
  get<T>(type: Type<T>): T;
  /** A new company's id. */
  newCompany(): Promise<string>;
  /** A new user of the company (an owner unless said otherwise). */
  newUser(companyId: string, role?: User['role']): Promise<User>;
  /** A new vehicle of the company, for records that refer to one. */
  newVehicle(companyId: string): Promise<string>;
  /** A new customer of the company, for records that refer to one. */
  newCustomer(companyId: string): Promise<string>;
  /** Whether the open transaction has locked the company's row (its xmax is this transaction's id). */
  companyRowLockedHere(companyId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** `options` as startTestApp's (e.g. `databaseUrl`: a database of the test's own). */
export async function startRepositoryContext(options: TestAppOptions = {}): Promise<RepositoryContext> {
  const app = await startTestApp(options);
  const get = <T>(type: Type<T>): T => app.app.get(type, { strict: false });
  const uow = get(UnitOfWork);
  const companies = get(CompaniesRepository);
  const vehicles = get(VehiclesRepository);
  const customers = get(CustomersRepository);
  const users = get(UsersRepository);
  return {
    app,
    uow,
    get,
    newCompany: async () => (await companies.save(companies.create({ name: 'Repository Fleet Ltd', creditBalance: 10 }))).id,
    newUser: (companyId, role = 'owner') =>
      users.save(users.create({ companyId, email: `user-${randomUUID()}@example.co.uk`, name: 'Olive Owner', passwordHash: 'not-a-hash', role })),
    newVehicle: async (companyId) =>
      (await vehicles.save(vehicles.create({ companyId, registration: uniqueRegistration(), vin: null, nickname: null, mileage: null, archivedAt: null, lookupStatus: 'complete' }))).id,
    newCustomer: async (companyId) =>
      (await customers.save(customers.create({ companyId, name: 'Jo Bloggs', email: null, phone: null, address: null, dateOfBirth: null, licence: null, latestLicenceCheck: null }))).id,
    companyRowLockedHere: async (companyId) =>
      (await uow.manager.query<Array<{ locked: boolean }>>('SELECT xmax = pg_current_xact_id()::xid AS locked FROM companies WHERE id = $1', [companyId]))[0].locked,
    close: app.close,
  };
}

/**
 * The tenant rule every repository keeps: the owner finds its record; to another company the same
 * id answers nothing, and the getters answer the contract's plain 404.
 */
export async function expectOnlyItsCompanyFinds<T extends { id: string; companyId: string }>(
  context: Pick<RepositoryContext, 'uow'>,
  repository: TenantRepository<T>,
  record: { owner: string; id: string },
  otherCompany: string,
): Promise<void> {
  expect(await repository.findForCompany(record.owner, record.id)).toMatchObject({ companyId: record.owner });
  await expect(repository.getForCompany(record.owner, record.id)).resolves.toMatchObject({ companyId: record.owner });
  await repository.requireForCompany(record.owner, record.id);
  expect(await repository.findForCompany(otherCompany, record.id)).toBeNull();
  await expect(repository.getForCompany(otherCompany, record.id)).rejects.toMatchObject({ code: 'not_found', status: 404 });
  await expect(context.uow.run(() => repository.getForCompany(otherCompany, record.id, { lock: true }))).rejects.toMatchObject({ code: 'not_found' });
  await expect(repository.requireForCompany(otherCompany, record.id)).rejects.toMatchObject({ code: 'not_found' });
}
