import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isForeignKeyViolation } from '../../src/platform/database/pg-errors.js';
import { type RepositoryContext, startRepositoryContext } from '../support/repositories.js';
import { inRolledBackTransaction } from '../support/rolled-back.js';

/** The first error `work` throws. */
const failureOf = (work: Promise<unknown>): Promise<unknown> => work.then(() => expect.fail('expected a failure'), (error: unknown) => error);

describe('company references (checked without locking the company row)', () => {
  let context: RepositoryContext;
  beforeAll(async () => {
    context = await startRepositoryContext();
  });
  afterAll(() => context.close());

  it("a company's records leave its row unlocked, so its concurrent writers never share a lock on it", async () => {
    const companyId = await context.newCompany();
    await context.uow.run(async () => {
      await context.newVehicle(companyId);
      await context.newCustomer(companyId);
      expect(await context.companyRowLockedHere(companyId)).toBe(false);
      // the check sees a lock when there is one: a foreign key's
      await context.uow.manager.query('SELECT 1 FROM companies WHERE id = $1 FOR KEY SHARE', [companyId]);
      expect(await context.companyRowLockedHere(companyId)).toBe(true);
    });
  });

  it("refuses a record of a company that does not exist, or moved to one, with a foreign key's SQLSTATE", async () => {
    const unknown = randomUUID();
    expect(isForeignKeyViolation(await failureOf(context.newVehicle(unknown)))).toBe(true);
    expect(isForeignKeyViolation(await failureOf(context.newCustomer(unknown)))).toBe(true);
    const vehicleId = await context.newVehicle(await context.newCompany());
    const moved = context.uow.manager.query('UPDATE vehicles SET company_id = $1 WHERE id = $2', [unknown, vehicleId]);
    expect(isForeignKeyViolation(await failureOf(moved))).toBe(true);
    expect(await context.uow.manager.query('SELECT count(*)::int AS count FROM vehicles WHERE company_id = $1', [unknown])).toEqual([{ count: 0 }]);
  });

  it('keeps every company: DELETE, TRUNCATE and a change of id are refused', async () => {
    const companyId = await context.newCompany();
    const { manager } = context.uow;
    await expect(manager.query('DELETE FROM companies WHERE id = $1', [companyId])).rejects.toThrow(/companies: DELETE refused/);
    await expect(manager.query('UPDATE companies SET id = $1 WHERE id = $2', [randomUUID(), companyId])).rejects.toThrow(/companies: UPDATE refused/);
    await inRolledBackTransaction(manager.connection, (runner) =>
      expect(runner.query('TRUNCATE companies CASCADE')).rejects.toThrow(/companies: TRUNCATE refused/));
    await manager.query('UPDATE companies SET name = $1 WHERE id = $2', ['Renamed Fleet Ltd', companyId]);
    expect(await manager.query('SELECT name FROM companies WHERE id = $1', [companyId])).toEqual([{ name: 'Renamed Fleet Ltd' }]);
  });
});
