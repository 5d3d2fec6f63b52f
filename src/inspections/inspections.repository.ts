import { Injectable } from '@nestjs/common';
import type { Page, PageQuery } from '../platform/http/pagination/page-query.dto.js';
import { TenantRepository } from '../platform/database/tenant-repository.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { Inspection } from './inspection.entity.js';

/** The only way into the `inspections` table; every lookup takes the company first. */
@Injectable()
export class InspectionsRepository extends TenantRepository<Inspection> {
  constructor(uow: UnitOfWork) {
    super(uow, Inspection, 'Inspection', 'inspection');
  }

  override listForCompany(companyId: string, query: PageQuery & { vehicleId?: string; status?: Inspection['status'] }): Promise<Page<Inspection>> {
    return this.pageForCompany(companyId, query, (builder) => {
      if (query.vehicleId) builder.andWhere('inspection.vehicleId = :vehicleId', { vehicleId: query.vehicleId });
      if (query.status) builder.andWhere('inspection.status = :status', { status: query.status });
    });
  }
}
