import { Injectable, type StreamableFile } from '@nestjs/common';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import { invalid } from '../platform/http/validation.pipe.js';
import { mapPage, paginate } from '../platform/http/pagination/keyset.js';
import type { Page } from '../platform/http/pagination/page-query.dto.js';
import { actorRefOf } from '../platform/operations/operation.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { VehiclesRepository } from '../vehicles/vehicles.repository.js';
import { Outbox } from '../platform/operations/ports.js';
import {
  type CreateInspectionRequest,
  type InspectionItemInput,
  InspectionResponse,
  type ListInspectionsQuery,
  type SignOffRequest,
} from './dto/inspection.dto.js';
import { inspectionReport } from './inspection-report.js';
import type { InspectionTemplate } from './inspection-template.entity.js';
import { InspectionTemplatesService } from './inspection-templates.service.js';
import { Inspection, type InspectionItem } from './inspection.entity.js';

/**
 * Inspections of a company's vehicles. Creating one costs a credit: the write interceptor debits it in
 * this same transaction (see @CreditCost on the controller), so anything thrown here spends nothing.
 */
@Injectable()
export class InspectionsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly templates: InspectionTemplatesService,
    private readonly outbox: Outbox,
    private readonly vehicles: VehiclesRepository,
  ) {}

  async create(principal: Principal, request: CreateInspectionRequest): Promise<InspectionResponse> {
    const { companyId } = principal;
    const template = await this.templates.resolve(companyId, request);
    const items = checklist(template, request.items);
    await this.vehicles.requireForCompany(companyId, request.vehicleId);
    const inspections = this.uow.repository(Inspection);
    const signedOff = request.signOff !== undefined;
    const inspection = await inspections.save(
      inspections.create({
        companyId,
        vehicleId: request.vehicleId,
        templateId: template.id,
        status: signedOff ? 'completed' : 'draft',
        mileage: request.mileage ?? null,
        fuelLevel: request.fuelLevel ?? null,
        items,
        damages: (request.damages ?? []).map(({ location, description, severity }) => ({ location, description, severity })),
        signedBy: request.signOff?.signedBy.trim() ?? null,
        signedOffAt: signedOff ? new Date() : null,
        createdBy: actorRefOf(principal),
      }),
    );
    const response = InspectionResponse.of(inspection);
    if (signedOff) await this.outbox.record(companyId, 'inspection.completed', { ...response });
    return response;
  }

  async signOff(principal: Principal, id: string, request: SignOffRequest): Promise<InspectionResponse> {
    const inspection = await this.require(principal.companyId, id, true);
    if (inspection.status === 'completed') throw new DomainError('conflict', 'This inspection is already signed off.');
    inspection.status = 'completed';
    inspection.signedBy = request.signedBy.trim();
    inspection.signedOffAt = new Date();
    const response = InspectionResponse.of(await this.uow.repository(Inspection).save(inspection));
    await this.outbox.record(principal.companyId, 'inspection.completed', { ...response });
    return response;
  }

  async list(principal: Principal, query: ListInspectionsQuery): Promise<Page<InspectionResponse>> {
    const builder = this.uow
      .repository(Inspection)
      .createQueryBuilder('inspection')
      .where('inspection.companyId = :companyId', { companyId: principal.companyId });
    if (query.vehicleId) builder.andWhere('inspection.vehicleId = :vehicleId', { vehicleId: query.vehicleId });
    if (query.status) builder.andWhere('inspection.status = :status', { status: query.status });
    return mapPage(await paginate(builder, query), InspectionResponse.of);
  }

  async get(principal: Principal, id: string): Promise<InspectionResponse> {
    return InspectionResponse.of(await this.require(principal.companyId, id));
  }

  async pdf(principal: Principal, id: string): Promise<StreamableFile> {
    const inspection = await this.require(principal.companyId, id);
    if (inspection.status !== 'completed') {
      throw new DomainError('not_signed_off', 'The report of an inspection exists once it is signed off.');
    }
    const vehicle = await this.vehicles.getForCompany(principal.companyId, inspection.vehicleId);
    const template = await this.templates.findById(principal.companyId, inspection.templateId);
    if (!template) throw DomainError.notFound('Inspection template');
    return inspectionReport(inspection, vehicle, template);
  }

  private async require(companyId: string, id: string, forUpdate = false): Promise<Inspection> {
    const query = this.uow
      .repository(Inspection)
      .createQueryBuilder('inspection')
      .where('inspection.companyId = :companyId AND inspection.id = :id', { companyId, id });
    if (forUpdate) query.setLock('pessimistic_write');
    const inspection = await query.getOne();
    if (!inspection) throw DomainError.notFound('Inspection');
    return inspection;
  }
}

/** The submitted results, in the template's order, labelled; unknown or repeated keys are refused. */
function checklist(template: InspectionTemplate, submitted: InspectionItemInput[]): InspectionItem[] {
  const byKey = new Map<string, InspectionItemInput>();
  const errors = submitted.flatMap((item, index) => {
    if (!template.items.some((known) => known.key === item.key)) {
      return [{ field: `items.${index}.key`, message: `is not an item of the ${template.key} template` }];
    }
    if (byKey.has(item.key)) return [{ field: `items.${index}.key`, message: 'is repeated' }];
    byKey.set(item.key, item);
    return [];
  });
  if (errors.length > 0) throw invalid(errors);
  return template.items.flatMap(({ key, label }) => {
    const item = byKey.get(key);
    return item ? [{ key, label, result: item.result, note: item.note ?? null }] : [];
  });
}
