import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomersRepository } from '../../src/customers/customers.repository.js';
import { type RepositoryContext, startRepositoryContext } from '../support/repositories.js';

describe('UnitOfWork.runDeferred', () => {
  let context: RepositoryContext;
  let customers: CustomersRepository;
  beforeAll(async () => {
    context = await startRepositoryContext();
    customers = context.get(CustomersRepository);
  });
  afterAll(() => context.close());

  /** Whether the work's query runner has taken a connection from the pool yet. */
  const holdsConnection = () => (context.uow.manager.queryRunner as unknown as { databaseConnection?: unknown }).databaseConnection !== undefined;

  it('takes no connection until the first query, then keeps every query of the work in one transaction', async () => {
    const company = await context.newCompany();
    const held: boolean[] = [];
    const id = await context.uow.runDeferred(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      held.push(holdsConnection());
      const customer = await customers.save(customers.create({ companyId: company, name: 'Deferred', email: null, phone: null, address: null, dateOfBirth: null, licence: null, latestLicenceCheck: null }));
      const [{ txid }] = await context.uow.manager.query<Array<{ txid: string }>>('SELECT txid_current()::text AS txid');
      const [{ txid: again }] = await context.uow.manager.query<Array<{ txid: string }>>('SELECT txid_current()::text AS txid');
      expect(again).toBe(txid);
      held.push(holdsConnection());
      return customer.id;
    });
    expect(held).toEqual([false, true]);
    expect(await customers.findForCompany(company, id)).not.toBeNull();
  });

  it('rolls back everything the work wrote when it throws', async () => {
    const company = await context.newCompany();
    let id = '';
    await expect(
      context.uow.runDeferred(async () => {
        id = (await customers.save(customers.create({ companyId: company, name: 'Rolled back', email: null, phone: null, address: null, dateOfBirth: null, licence: null, latestLicenceCheck: null }))).id;
        throw new Error('refused after the write');
      }),
    ).rejects.toThrow('refused after the write');
    expect(id).not.toBe('');
    expect(await customers.findForCompany(company, id)).toBeNull();
  });

  it('reads ahead on a connection of its own before the transaction begins, and inside it once it has', async () => {
    const txid = () => context.uow.manager.query<Array<{ txid: string }>>('SELECT txid_current()::text AS txid').then(([row]) => row.txid);
    const seen = await context.uow.runDeferred(async () => {
      const ahead = await context.uow.readAhead(txid);
      const heldAfterReadAhead = holdsConnection();
      const first = await txid();
      const joined = await context.uow.readAhead(txid);
      return { ahead, heldAfterReadAhead, first, joined };
    });
    expect(seen.heldAfterReadAhead).toBe(false);
    expect(seen.ahead).not.toBe(seen.first);
    expect(seen.joined).toBe(seen.first);
  });

  it('commits nothing and answers the result when the work never queries', async () => {
    await expect(context.uow.runDeferred(() => Promise.resolve('pure compute'))).resolves.toBe('pure compute');
  });
});
