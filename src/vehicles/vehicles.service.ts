import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import { mapPage, paginate } from '../platform/http/pagination/keyset.js';
import type { Page } from '../platform/http/pagination/page-query.dto.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { isUniqueViolation } from '../platform/database/pg-errors.js';
import { type CreateVehicleRequest, type ListVehiclesQuery, type UpdateVehicleRequest, VehicleResponse } from './dto/vehicle.dto.js';
import { VehicleLookupService } from './vehicle-lookup.service.js';
import { Vehicle } from './vehicle.entity.js';

const ACTIVE_REGISTRATION_INDEX = 'vehicles_company_registration_active';

@Injectable()
export class VehiclesService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly lookups: VehicleLookupService,
  ) {}

  /** The company's vehicle (archived ones included), or 404 exactly like a missing one. */
  async require(companyId: string, vehicleId: string): Promise<Vehicle> {
    const vehicle = await this.uow.repository(Vehicle).findOne({ where: { id: vehicleId, companyId } });
    if (!vehicle) throw DomainError.notFound('Vehicle');
    return vehicle;
  }

  async get(principal: Principal, vehicleId: string): Promise<VehicleResponse> {
    return VehicleResponse.of(await this.require(principal.companyId, vehicleId));
  }

  async list(principal: Principal, query: ListVehiclesQuery): Promise<Page<VehicleResponse>> {
    const builder = this.uow
      .repository(Vehicle)
      .createQueryBuilder('vehicle')
      .where('vehicle.companyId = :companyId', { companyId: principal.companyId });
    if (query.registration !== undefined) builder.andWhere('vehicle.registration = :registration', { registration: query.registration });
    if (!query.includeArchived) builder.andWhere('vehicle.archivedAt IS NULL');
    return mapPage(await paginate(builder, query), VehicleResponse.of);
  }

  async create(principal: Principal, request: CreateVehicleRequest): Promise<VehicleResponse> {
    await this.refuseDuplicate(principal.companyId, request.registration);
    const vehicles = this.uow.repository(Vehicle);
    const vehicle = vehicles.create({
      companyId: principal.companyId,
      registration: request.registration,
      vin: request.vin ?? null,
      nickname: request.nickname ?? null,
      mileage: request.mileage ?? null,
      archivedAt: null,
    });
    await this.lookups.lookUpInRequest(vehicle);
    return VehicleResponse.of(await this.saveAndSchedule(vehicle));
  }

  /** PUT: every field replaced; omitted optional fields become null. */
  replace(principal: Principal, vehicleId: string, request: CreateVehicleRequest): Promise<VehicleResponse> {
    return this.update(principal, vehicleId, { registration: request.registration, vin: request.vin ?? null, nickname: request.nickname ?? null, mileage: request.mileage ?? null });
  }

  /** PATCH: only the given fields; a new registration is looked up afresh. */
  async update(principal: Principal, vehicleId: string, request: UpdateVehicleRequest): Promise<VehicleResponse> {
    const vehicle = await this.require(principal.companyId, vehicleId);
    if (request.vin !== undefined) vehicle.vin = request.vin;
    if (request.nickname !== undefined) vehicle.nickname = request.nickname;
    if (request.mileage !== undefined) vehicle.mileage = request.mileage;
    if (request.registration !== undefined && request.registration !== vehicle.registration) {
      if (!vehicle.archivedAt) await this.refuseDuplicate(principal.companyId, request.registration);
      vehicle.registration = request.registration;
      vehicle.dvla = null;
      vehicle.motTests = [];
      vehicle.lookedUpAt = null;
      await this.lookups.lookUpInRequest(vehicle);
    }
    return VehicleResponse.of(await this.saveAndSchedule(vehicle));
  }

  /** DELETE archives: the vehicle stays readable by id with `archivedAt`; archiving twice is a no-op. */
  async archive(principal: Principal, vehicleId: string): Promise<VehicleResponse> {
    const vehicle = await this.require(principal.companyId, vehicleId);
    if (vehicle.archivedAt) return VehicleResponse.of(vehicle);
    vehicle.archivedAt = new Date();
    return VehicleResponse.of(await this.uow.repository(Vehicle).save(vehicle));
  }

  async refreshLookup(principal: Principal, vehicleId: string): Promise<VehicleResponse> {
    const vehicle = await this.require(principal.companyId, vehicleId);
    await this.lookups.lookUpInRequest(vehicle);
    return VehicleResponse.of(await this.saveAndSchedule(vehicle));
  }

  private async refuseDuplicate(companyId: string, registration: string): Promise<void> {
    const existing = await this.uow.repository(Vehicle).findOne({ where: { companyId, registration, archivedAt: IsNull() } });
    if (existing) throw vehicleExists(registration, existing.id);
  }

  private async saveAndSchedule(vehicle: Vehicle): Promise<Vehicle> {
    try {
      const saved = await this.uow.repository(Vehicle).save(vehicle);
      await this.lookups.scheduleRetryIfPending(saved);
      return saved;
    } catch (error) {
      if (isUniqueViolation(error, ACTIVE_REGISTRATION_INDEX)) throw vehicleExists(vehicle.registration);
      throw error;
    }
  }
}

function vehicleExists(registration: string, vehicleId?: string): DomainError {
  return new DomainError('vehicle_exists', `The company already has a vehicle registered ${registration}.`, vehicleId ? { vehicleId } : {});
}
