import { Injectable } from '@nestjs/common';
import type { Page, PageQuery } from '../platform/http/pagination/page-query.dto.js';
import { TenantRepository } from '../platform/database/tenant-repository.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { Customer, type LicenceCheckSummary } from './customer.entity.js';

export type { Customer, LicenceCheckSummary };

/** The only way into the `customers` table; every lookup takes the company first. */
@Injectable()
export class CustomersRepository extends TenantRepository<Customer> {
  constructor(uow: UnitOfWork) {
    super(uow, Customer, 'Customer', 'customer');
  }

  override listForCompany(companyId: string, query: PageQuery & { email?: string }): Promise<Page<Customer>> {
    return this.pageForCompany(companyId, query, (builder) => {
      if (query.email !== undefined) builder.andWhere('customer.email = :email', { email: query.email });
    });
  }

  /** Keeps the customer's summary on its newest check (UUIDv7 ids order checks by creation). */
  async recordLicenceCheck(companyId: string, customerId: string, summary: LicenceCheckSummary): Promise<void> {
    await this.uow.manager.query(
      `UPDATE customers SET latest_licence_check = $1::jsonb
        WHERE id = $2 AND company_id = $3
          AND (latest_licence_check IS NULL OR (latest_licence_check->>'id')::uuid < $4::uuid)`,
      [JSON.stringify(summary), customerId, companyId, summary.id],
    );
  }
}
