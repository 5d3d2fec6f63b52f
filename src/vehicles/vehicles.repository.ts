import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { DomainError } from '../platform/http/domain-error.js';
import type { Page, PageQuery } from '../platform/http/pagination/page-query.dto.js';
import { TenantRepository } from '../platform/database/tenant-repository.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { isoTimestampSql } from '../platform/database/iso-timestamp.js';
import { newId } from '../platform/database/uuid-entity.js';
import { type LookupStatus, Vehicle } from './vehicle.entity.js';

export type { Vehicle };

/** A vehicle row as stored, its DVLA and MOT data still PostgreSQL's jsonb text (not parsed), its times ISO 8601 text. */
export interface StoredVehicle {
  id: string;
  company_id: string;
  registration: string;
  vin: string | null;
  nickname: string | null;
  mileage: number | null;
  lookup_status: LookupStatus;
  dvla: string | null;
  mot_tests: string;
  looked_up_at: string | null;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

const STORED_VEHICLE_SQL = `
  SELECT id, company_id, registration, vin, nickname, mileage, lookup_status, dvla::text AS dvla, mot_tests::text AS mot_tests,
         ${isoTimestampSql('looked_up_at')} AS looked_up_at, ${isoTimestampSql('archived_at')} AS archived_at,
         ${isoTimestampSql('created_at')} AS created_at, ${isoTimestampSql('updated_at')} AS updated_at
    FROM vehicles
   WHERE id = $1`;

const INSERT_ACTIVE_SQL = `
  INSERT INTO vehicles (id, company_id, registration, vin, nickname, mileage, lookup_status, dvla, mot_tests, looked_up_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
  ON CONFLICT (company_id, registration) WHERE archived_at IS NULL DO NOTHING
  RETURNING created_at, updated_at`;

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

  /**
   * The hot read (`GET /v1/vehicles/{id}`): the row as stored, by one prepared statement, if the
   * company's; else 404. `readAhead` is that statement already started before the caller was known
   * (`readStoredById` through ReadAheads): the company is checked here either way.
   */
  async getStoredForCompany(companyId: string, id: string, readAhead?: Promise<StoredVehicle | undefined>): Promise<StoredVehicle> {
    const row = await (readAhead ?? this.readStoredById(id));
    if (row?.company_id !== companyId) throw DomainError.notFound('Vehicle');
    return row;
  }

  /** The vehicle with this id, whichever company's: only for getStoredForCompany to check. */
  readStoredById(id: string): Promise<StoredVehicle | undefined> {
    return this.uow.pointRead<StoredVehicle>('vehicle_by_id', STORED_VEHICLE_SQL, [id]);
  }

  /**
   * The create (`POST /v1/vehicles`): one hand-written INSERT that stores the vehicle unless another
   * active vehicle of the company has its registration (the partial unique index decides, so two
   * racing creates cannot both succeed). The stored vehicle, or null when the registration is taken.
   */
  async insertActive(vehicle: Vehicle): Promise<Vehicle | null> {
    vehicle.id ??= newId();
    const [stored] = await this.uow.queryPrepared<{ created_at: Date; updated_at: Date }>('vehicle_insert_active', INSERT_ACTIVE_SQL, [
      vehicle.id, vehicle.companyId, vehicle.registration, vehicle.vin, vehicle.nickname, vehicle.mileage, vehicle.lookupStatus,
      vehicle.dvla === null ? null : JSON.stringify(vehicle.dvla), JSON.stringify(vehicle.motTests ?? []), vehicle.lookedUpAt,
    ]);
    if (!stored) return null;
    return Object.assign(vehicle, { motTests: vehicle.motTests ?? [], archivedAt: null, createdAt: stored.created_at, updatedAt: stored.updated_at });
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
