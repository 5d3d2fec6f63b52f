import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LicenceChecksRepository } from '../../src/licences/licence-checks.repository.js';
import { expectOnlyItsCompanyFinds, type RepositoryContext, startRepositoryContext } from '../support/repositories.js';

describe('LicenceChecksRepository', () => {
  let context: RepositoryContext;
  let checks: LicenceChecksRepository;
  beforeAll(async () => {
    context = await startRepositoryContext();
    checks = context.get(LicenceChecksRepository);
  });
  afterAll(() => context.close());

  const newCheck = async (companyId: string, customerId: string | null) =>
    (await checks.save(checks.create({
      companyId, customerId, licenceNumber: 'MORGA753116SM9AJ', checkedAt: new Date(), status: 'valid',
      categories: [], endorsements: [], penaltyPoints: 0, flagged: false,
    }))).id;

  it('finds a check for its company only: another company gets nothing, or a 404', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    await expectOnlyItsCompanyFinds(context, checks, { owner, id: await newCheck(owner, null) }, other);
  });

  it('lists the company\'s checks, narrowed to one customer whatever the case of its id', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const customer = await context.newCustomer(owner);
    const ofCustomer = await newCheck(owner, customer);
    const anonymous = await newCheck(owner, null);
    await newCheck(other, null);
    expect((await checks.listForCompany(owner, { limit: 10 })).data.map((check) => check.id)).toEqual([anonymous, ofCustomer]);
    expect((await checks.listForCompany(owner, { limit: 10, customerId: customer.toUpperCase() })).data.map((check) => check.id)).toEqual([ofCustomer]);
    expect((await checks.listForCompany(other, { limit: 10, customerId: customer })).data).toEqual([]);
  });
});
