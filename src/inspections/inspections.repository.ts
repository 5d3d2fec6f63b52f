import { Injectable } from '@nestjs/common';
import type { Page, PageQuery } from '../platform/http/pagination/page-query.dto.js';
import { TenantRepository } from '../platform/database/tenant-repository.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { Inspection } from './inspection.entity.js';
import { DomainError } from '../platform/http/domain-error.js';
import { isForeignKeyViolation } from '../platform/database/pg-errors.js';
import { newId } from '../platform/database/uuid-entity.js';

const VEHICLE_OF_COMPANY = 'inspections_company_vehicle_fkey';

const INSERT_SQL = `
  INSERT INTO inspections (id, company_id, vehicle_id, template_id, status, mileage, fuel_level, items, damages, signed_by,
    signed_off_at, created_by)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11, $12::jsonb)
  RETURNING created_at`;

/** The only way into the `inspections` table; every lookup takes the company first. */
@Injectable()
export class InspectionsRepository extends TenantRepository<Inspection> {
  constructor(uow: UnitOfWork) {
    super(uow, Inspection, 'Inspection', 'inspection');
  }

  /**
   * The create: one hand-written INSERT (no entity copy). The database refuses a vehicle that is not
   * the company's (as a foreign key would, without locking the vehicle: migration 1764103700000): the
   * plain 404 of every other company's record.
   */
  async insert(inspection: Inspection): Promise<Inspection> {
    inspection.id ??= newId();
    try {
      const [{ created_at: createdAt }] = await this.uow.queryPrepared<{ created_at: Date }>('inspection_insert', INSERT_SQL, [
        inspection.id, inspection.companyId, inspection.vehicleId, inspection.templateId, inspection.status, inspection.mileage,
        inspection.fuelLevel, JSON.stringify(inspection.items), JSON.stringify(inspection.damages), inspection.signedBy,
        inspection.signedOffAt, JSON.stringify(inspection.createdBy),
      ]);
      return Object.assign(inspection, { createdAt });
    } catch (error) {
      if (isForeignKeyViolation(error, VEHICLE_OF_COMPANY)) throw DomainError.notFound('Vehicle');
      throw error;
    }
  }

  override listForCompany(companyId: string, query: PageQuery & { vehicleId?: string; status?: Inspection['status'] }): Promise<Page<Inspection>> {
    return this.pageForCompany(companyId, query, (builder) => {
      if (query.vehicleId) builder.andWhere('inspection.vehicleId = :vehicleId', { vehicleId: query.vehicleId });
      if (query.status) builder.andWhere('inspection.status = :status', { status: query.status });
    });
  }
}
