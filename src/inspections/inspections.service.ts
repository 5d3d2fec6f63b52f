import { Injectable, type StreamableFile } from '@nestjs/common';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import { invalid } from '../platform/http/validation.pipe.js';
import { mapPage } from '../platform/http/pagination/keyset.js';
import type { Page } from '../platform/http/pagination/page-query.dto.js';
import { actorRefOf } from '../platform/operations/operation.js';
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
import type { InspectionItem } from './inspection.entity.js';
import { InspectionsRepository } from './inspections.repository.js';
import { InspectionTemplatesRepository } from './inspection-templates.repository.js';

/**
 * Inspections of a company's vehicles. Creating one costs a credit: the write interceptor debits it in
 * this same transaction (see @CreditCost on the controller), so anything thrown here spends nothing.
 */
@Injectable()
export class InspectionsService {
  constructor(
    private readonly inspections: InspectionsRepository,
    private readonly templates: InspectionTemplatesService,
    private readonly templateRows: InspectionTemplatesRepository,
    private readonly outbox: Outbox,
    private readonly vehicles: VehiclesRepository,
  ) {}

  async create(principal: Principal, request: CreateInspectionRequest): Promise<InspectionResponse> {
    const { companyId } = principal;
    const template = await this.templates.resolve(companyId, request);
    const items = checklist(template, request.items);
    const signedOff = request.signOff !== undefined;
    const inspection = await this.inspections.insert(
      this.inspections.create({
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
    const inspection = await this.inspections.getForCompany(principal.companyId, id, { lock: true });
    if (inspection.status === 'completed') throw new DomainError('conflict', 'This inspection is already signed off.');
    inspection.status = 'completed';
    inspection.signedBy = request.signedBy.trim();
    inspection.signedOffAt = new Date();
    const response = InspectionResponse.of(await this.inspections.save(inspection));
    await this.outbox.record(principal.companyId, 'inspection.completed', { ...response });
    return response;
  }

  async list(principal: Principal, query: ListInspectionsQuery): Promise<Page<InspectionResponse>> {
    return mapPage(await this.inspections.listForCompany(principal.companyId, query), InspectionResponse.of);
  }

  async get(principal: Principal, id: string): Promise<InspectionResponse> {
    return InspectionResponse.of(await this.inspections.getForCompany(principal.companyId, id));
  }

  async pdf(principal: Principal, id: string): Promise<StreamableFile> {
    const inspection = await this.inspections.getForCompany(principal.companyId, id);
    if (inspection.status !== 'completed') {
      throw new DomainError('not_signed_off', 'The report of an inspection exists once it is signed off.');
    }
    const vehicle = await this.vehicles.getForCompany(principal.companyId, inspection.vehicleId);
    const template = await this.templateRows.getForCompany(principal.companyId, inspection.templateId);
    return inspectionReport(inspection, vehicle, template);
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
