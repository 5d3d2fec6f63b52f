import { Injectable } from '@nestjs/common';
import type { Page, PageQuery } from '../platform/http/pagination/page-query.dto.js';
import { TenantRepository } from '../platform/database/tenant-repository.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { RentalAgreement } from './rental-agreement.entity.js';

/** The only way into the `rental_agreements` table; every lookup takes the company first. */
@Injectable()
export class AgreementsRepository extends TenantRepository<RentalAgreement> {
  constructor(uow: UnitOfWork) {
    super(uow, RentalAgreement, 'Agreement', 'agreement');
  }

  override listForCompany(
    companyId: string,
    query: PageQuery & { vehicleId?: string; customerId?: string; status?: RentalAgreement['status'] },
  ): Promise<Page<RentalAgreement>> {
    return this.pageForCompany(companyId, query, (builder) => {
      if (query.vehicleId) builder.andWhere('agreement.vehicleId = :vehicleId', { vehicleId: query.vehicleId });
      if (query.customerId) builder.andWhere('agreement.customerId = :customerId', { customerId: query.customerId });
      if (query.status) builder.andWhere('agreement.status = :status', { status: query.status });
    });
  }
}
