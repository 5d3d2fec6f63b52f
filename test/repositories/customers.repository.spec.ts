import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomersRepository } from '../../src/customers/customers.repository.js';
import { expectOnlyItsCompanyFinds, type RepositoryContext, startRepositoryContext } from '../support/repositories.js';

describe('CustomersRepository', () => {
  let context: RepositoryContext;
  let customers: CustomersRepository;
  beforeAll(async () => {
    context = await startRepositoryContext();
    customers = context.get(CustomersRepository);
  });
  afterAll(() => context.close());

  it('finds a customer for its company only: another company gets nothing, or a 404', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    await expectOnlyItsCompanyFinds(context, customers, { owner, id: await context.newCustomer(owner) }, other);
  });

  it('lists only the company\'s customers, narrowed by e-mail', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const customer = await customers.getForCompany(owner, await context.newCustomer(owner));
    customer.email = `jo-${customer.id}@example.co.uk`;
    await customers.save(customer);
    const second = await context.newCustomer(owner);
    await context.newCustomer(other);
    expect((await customers.listForCompany(owner, { limit: 10 })).data.map((row) => row.id)).toEqual([second, customer.id]);
    expect((await customers.listForCompany(owner, { limit: 10, email: customer.email })).data.map((row) => row.id)).toEqual([customer.id]);
    expect((await customers.listForCompany(other, { limit: 10, email: customer.email })).data).toEqual([]);
  });

  it('keeps the summary of the newest licence check, and never touches another company\'s customer', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const id = await context.newCustomer(owner);
    const summary = (checkId: string) => ({ id: checkId, checkedAt: '2026-01-01T00:00:00.000Z', status: 'valid' as const, penaltyPoints: 0, flagged: false });
    const newer = '01950000-0000-7000-8000-000000000002';
    const older = '01950000-0000-7000-8000-000000000001';
    await customers.recordLicenceCheck(owner, id, summary(newer));
    await customers.recordLicenceCheck(owner, id, summary(older));
    await customers.recordLicenceCheck(other, id, summary('01950000-0000-7000-8000-000000000003'));
    expect((await customers.getForCompany(owner, id)).latestLicenceCheck).toMatchObject({ id: newer });
  });
});
