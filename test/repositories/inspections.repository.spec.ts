import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InspectionTemplatesRepository } from '../../src/inspections/inspection-templates.repository.js';
import { InspectionsRepository } from '../../src/inspections/inspections.repository.js';
import { expectOnlyItsCompanyFinds, type RepositoryContext, startRepositoryContext } from '../support/repositories.js';

describe('InspectionsRepository and InspectionTemplatesRepository', () => {
  let context: RepositoryContext;
  let inspections: InspectionsRepository;
  let templates: InspectionTemplatesRepository;
  beforeAll(async () => {
    context = await startRepositoryContext();
    inspections = context.get(InspectionsRepository);
    templates = context.get(InspectionTemplatesRepository);
  });
  afterAll(() => context.close());

  const newInspection = async (companyId: string, status: 'draft' | 'completed' = 'draft', vehicleId?: string) => {
    await templates.ensureStarterTemplates(companyId);
    const template = (await templates.listForCompany(companyId, { limit: 1 })).data[0];
    return inspections.insert(inspections.create({
      companyId, vehicleId: vehicleId ?? (await context.newVehicle(companyId)), templateId: template.id, status, mileage: null, fuelLevel: null,
      items: [], damages: [], signedBy: status === 'completed' ? 'Jo Bloggs' : null, signedOffAt: status === 'completed' ? new Date() : null, createdBy: { type: 'system', id: null, name: 'repository test' },
    }));
  };

  it('stores an inspection of the company\'s own vehicle only: another company\'s vehicle is a plain 404 and stores nothing', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const theirVehicle = await context.newVehicle(other);
    await expect(newInspection(owner, 'draft', theirVehicle)).rejects.toMatchObject({ code: 'not_found' });
    expect((await inspections.listForCompany(owner, { limit: 10 })).data).toEqual([]);
    const stored = await newInspection(owner);
    expect(await inspections.getForCompany(owner, stored.id)).toMatchObject({ id: stored.id, vehicleId: stored.vehicleId, createdAt: stored.createdAt });
  });

  it('finds an inspection for its company only: another company gets nothing, or a 404', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    await expectOnlyItsCompanyFinds(context, inspections, { owner, id: (await newInspection(owner)).id }, other);
  });

  it('lists the company\'s inspections narrowed by vehicle and status', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const draft = await newInspection(owner);
    const completed = await newInspection(owner, 'completed');
    await newInspection(other);
    expect((await inspections.listForCompany(owner, { limit: 10 })).data.map((row) => row.id)).toEqual([completed.id, draft.id]);
    expect((await inspections.listForCompany(owner, { limit: 10, vehicleId: draft.vehicleId })).data.map((row) => row.id)).toEqual([draft.id]);
    expect((await inspections.listForCompany(owner, { limit: 10, status: 'completed' })).data.map((row) => row.id)).toEqual([completed.id]);
  });

  it('creates the starter templates once per company, even when asked concurrently, each company its own', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    await Promise.all([templates.ensureStarterTemplates(owner), templates.ensureStarterTemplates(owner)]);
    await templates.ensureStarterTemplates(owner);
    const keys = (await templates.listForCompany(owner, { limit: 50 })).data.map((template) => template.key);
    expect(keys).toEqual(['check-out', 'check-in', 'damage']);
    const checkOut = await templates.findByKey(owner, 'check-out');
    await expectOnlyItsCompanyFinds(context, templates, { owner, id: checkOut!.id }, other);
    expect(await templates.findByKey(other, 'check-out')).toBeNull();
  });
});
