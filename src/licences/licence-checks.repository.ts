import { Injectable } from '@nestjs/common';
import type { Page, PageQuery } from '../platform/http/pagination/page-query.dto.js';
import { TenantRepository } from '../platform/database/tenant-repository.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { LicenceCheck } from './licence-check.entity.js';

/** The only way into the `licence_checks` table; every lookup takes the company first. */
@Injectable()
export class LicenceChecksRepository extends TenantRepository<LicenceCheck> {
  constructor(uow: UnitOfWork) {
    super(uow, LicenceCheck, 'Licence check', 'check');
  }

  /** `customerId` narrows to one customer's checks (compared in lower case, as ids are stored). */
  override listForCompany(companyId: string, query: PageQuery & { customerId?: string }): Promise<Page<LicenceCheck>> {
    return this.pageForCompany(companyId, query, (builder) => {
      if (query.customerId) builder.andWhere('check.customerId = :customerId', { customerId: query.customerId.toLowerCase() });
    });
  }
}
