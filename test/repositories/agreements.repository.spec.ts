import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgreementsRepository } from '../../src/agreements/agreements.repository.js';
import { expectOnlyItsCompanyFinds, type RepositoryContext, startRepositoryContext } from '../support/repositories.js';

describe('AgreementsRepository', () => {
  let context: RepositoryContext;
  let agreements: AgreementsRepository;
  beforeAll(async () => {
    context = await startRepositoryContext();
    agreements = context.get(AgreementsRepository);
  });
  afterAll(() => context.close());

  const newAgreement = async (companyId: string, status: 'pending_signature' | 'signed' = 'pending_signature') => {
    const [vehicleId, customerId] = [await context.newVehicle(companyId), await context.newCustomer(companyId)];
    const agreement = await agreements.save(agreements.create({
      companyId, vehicleId, customerId, startsAt: new Date('2026-12-01T09:00:00Z'), endsAt: new Date('2026-12-02T09:00:00Z'),
      currency: 'GBP', dailyRate: '30.00', deposit: null, mileageLimit: null, terms: null, status,
      signedBy: status === 'signed' ? 'Jo Bloggs' : null, signedAt: status === 'signed' ? new Date() : null,
      createdBy: { type: 'system', id: null, name: 'repository test' },
    }));
    return agreement;
  };

  it('finds an agreement for its company only: another company gets nothing, or a 404', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    await expectOnlyItsCompanyFinds(context, agreements, { owner, id: (await newAgreement(owner)).id }, other);
  });

  it('lists the company\'s agreements narrowed by vehicle, customer and status', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const pending = await newAgreement(owner);
    const signed = await newAgreement(owner, 'signed');
    await newAgreement(other);
    const ids = async (query: Parameters<AgreementsRepository['listForCompany']>[1]) =>
      (await agreements.listForCompany(owner, query)).data.map((agreement) => agreement.id);
    expect(await ids({ limit: 10 })).toEqual([signed.id, pending.id]);
    expect(await ids({ limit: 10, vehicleId: pending.vehicleId })).toEqual([pending.id]);
    expect(await ids({ limit: 10, customerId: signed.customerId })).toEqual([signed.id]);
    expect(await ids({ limit: 10, status: 'signed' })).toEqual([signed.id]);
  });
});
