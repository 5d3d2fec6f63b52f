import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import type { Page, PageQuery } from '../platform/http/pagination/page-query.dto.js';
import { TenantRepository } from '../platform/database/tenant-repository.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { Vehicle } from './vehicle.entity.js';

export type { Vehicle };

type LookupResult = Pick<Vehicle, 'lookupStatus' | 'dvla' | 'motTests' | 'lookedUpAt'>;

/** The only way into the `vehicles` table; every lookup takes the company first. */
@Injectable()
export class VehiclesRepository extends TenantRepository<Vehicle> {
  constructor(uow: UnitOfWork) {
    super(uow, Vehicle, 'Vehicle', 'vehicle');
  }

  override listForCompany(companyId: string, query: PageQuery & { registration?: string; includeArchived?: boolean }): Promise<Page<Vehicle>> {
    return this.pageForCompany(companyId, query, (builder) => {
      if (query.registration !== undefined) builder.andWhere('vehicle.registration = :registration', { registration: query.registration });
      if (!query.includeArchived) builder.andWhere('vehicle.archivedAt IS NULL');
    });
  }

  /** The company's vehicle (not archived) with this registration, if any. */
  findActiveByRegistration(companyId: string, registration: string): Promise<Vehicle | null> {
    return this.rows.findOne({ where: { companyId, registration, archivedAt: IsNull() } });
  }

  /**
   * Stores a background lookup's result, unless the vehicle changed registration or stopped being
   * pending meanwhile.
   */
  async completePendingLookup(companyId: string, vehicleId: string, registration: string, result: LookupResult): Promise<void> {
    await this.uow.run((manager) =>
      manager
        .createQueryBuilder()
        .update(Vehicle)
        .set(result)
        .where('id = :id AND company_id = :companyId AND registration = :registration AND lookup_status = :pending', {
          id: vehicleId,
          companyId,
          registration,
          pending: 'pending',
        })
        .execute(),
    );
  }
}
