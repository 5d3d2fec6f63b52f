import { randomUUID } from 'node:crypto';
import { QueryFailedError } from 'typeorm';
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

  it('begins with its first hand-written statement: that statement and every later query are one transaction', async () => {
    const txids = await context.uow.runDeferred(async () => {
      const [first] = await context.uow.queryPrepared<{ txid: string }>('uow_test_txid', 'SELECT txid_current()::text AS txid', []);
      const [again] = await context.uow.queryPrepared<{ txid: string }>('uow_test_txid', 'SELECT txid_current()::text AS txid', []);
      const [typeorm] = await context.uow.manager.query<Array<{ txid: string }>>('SELECT txid_current()::text AS txid');
      return [first.txid, again.txid, typeorm.txid];
    });
    expect(new Set(txids).size).toBe(1);
  });
});

describe('UnitOfWork.stageForCommit', () => {
  let context: RepositoryContext;
  let customers: CustomersRepository;
  /** A probe table of this run: what staged statements wrote, and whether the work could see it. */
  const table = `uow_staged_${randomUUID().replaceAll('-', '')}`;
  const stage = (batch: string, n: number | null) => context.uow.stageForCommit(`${table}_insert`, `INSERT INTO ${table} (batch, n) VALUES ($1, $2)`, [batch, n]);
  const rowsOf = async (batch: string) =>
    (await context.uow.manager.query<Array<{ n: number }>>(`SELECT n FROM ${table} WHERE batch = $1 ORDER BY seq`, [batch])).map((row) => row.n);
  beforeAll(async () => {
    context = await startRepositoryContext();
    customers = context.get(CustomersRepository);
    await context.uow.manager.query(`CREATE TABLE ${table} (seq serial PRIMARY KEY, batch text NOT NULL, n integer NOT NULL)`);
  });
  afterAll(async () => {
    await context.uow.manager.query(`DROP TABLE ${table}`);
    await context.close();
  });

  it('runs the staged statements at the COMMIT, after the work, in the order they were staged', async () => {
    const batch = randomUUID();
    const seenByWork = await context.uow.runDeferred(async () => {
      await stage(batch, 1);
      await stage(batch, 2);
      const seen = await rowsOf(batch);
      await stage(batch, 3);
      return seen;
    });
    expect(seenByWork).toEqual([]);
    expect(await rowsOf(batch)).toEqual([1, 2, 3]);
  });

  it('commits nothing of the work when a staged statement fails, and fails with that statement\'s error', async () => {
    const company = await context.newCompany();
    const batch = randomUUID();
    let customerId = '';
    const failure = await context.uow
      .runDeferred(async () => {
        customerId = await context.newCustomer(company);
        await stage(batch, 1);
        await stage(batch, null); // NOT NULL refuses it at the COMMIT
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect((failure as QueryFailedError & { driverError: { code?: string } }).driverError.code).toBe('23502');
    expect(customerId).not.toBe('');
    expect(await customers.findForCompany(company, customerId)).toBeNull();
    expect(await rowsOf(batch)).toEqual([]);
  });

  it('refuses to report a transaction committed when one of its statements had failed and the work carried on', async () => {
    const company = await context.newCompany();
    let customerId = '';
    const failure = await context.uow
      .runDeferred(async () => {
        customerId = await context.newCustomer(company);
        await context.uow.queryPrepared('uow_test_divide', 'SELECT 1 / $1::int AS quotient', [0]).catch(() => undefined);
      })
      .catch((error: unknown) => error);
    expect(String(failure)).toContain('COMMIT answered ROLLBACK');
    expect(await customers.findForCompany(company, customerId)).toBeNull();
  });

  it('fails a staged statement sent after the transaction had failed, and commits nothing', async () => {
    const batch = randomUUID();
    const failure = await context.uow
      .runDeferred(async () => {
        await stage(batch, 1);
        await context.uow.queryPrepared('uow_test_divide', 'SELECT 1 / $1::int AS quotient', [0]).catch(() => undefined);
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect((failure as QueryFailedError & { driverError: { code?: string } }).driverError.code).toBe('25P02');
    expect(await rowsOf(batch)).toEqual([]);
  });

  it('runs at once, in the same transaction, where TypeORM commits (run)', async () => {
    const batch = randomUUID();
    const seenByWork = await context.uow.run(async () => {
      await stage(batch, 7);
      return rowsOf(batch);
    });
    expect(seenByWork).toEqual([7]);
    expect(await rowsOf(batch)).toEqual([7]);
  });

  it('is refused outside a transaction', async () => {
    await expect(stage(randomUUID(), 1)).rejects.toThrow('inside a transaction');
  });
});
