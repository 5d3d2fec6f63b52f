import { Injectable } from '@nestjs/common';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import { isWellFormedId } from '../platform/http/id-param.pipe.js';
import { mapPage } from '../platform/http/pagination/keyset.js';
import type { JsonText } from '../platform/http/json-text.js';
import type { Page } from '../platform/http/pagination/page-query.dto.js';
import { isUniqueViolation } from '../platform/database/pg-errors.js';
import { type CreateVehicleRequest, type ListVehiclesQuery, type UpdateVehicleRequest, VehicleResponse } from './dto/vehicle.dto.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { type RegistrationLookup, VehicleLookupService } from './vehicle-lookup.service.js';
import { type StoredVehicle, type Vehicle, VehiclesRepository } from './vehicles.repository.js';

const ACTIVE_REGISTRATION_INDEX = 'vehicles_company_registration_active';

@Injectable()
export class VehiclesService {
  constructor(
    private readonly vehicles: VehiclesRepository,
    private readonly lookups: VehicleLookupService,
    private readonly uow: UnitOfWork,
  ) {}

  /** `GET /v1/vehicles/{id}`; `readAhead`, when given, is `readAhead(vehicleId)` started before the caller was known. */
  async get(principal: Principal, vehicleId: string, readAhead?: Promise<StoredVehicle | undefined>): Promise<JsonText> {
    return VehicleResponse.json(await this.vehicles.getStoredForCompany(principal.companyId, vehicleId, readAhead));
  }

  /** The read `get` answers from, started from the path alone (ReadAheads); none for an id that names nothing. */
  readAhead(vehicleId: string): Promise<StoredVehicle | undefined> | undefined {
    return isWellFormedId(vehicleId) ? this.vehicles.readStoredById(vehicleId) : undefined;
  }

  async list(principal: Principal, query: ListVehiclesQuery): Promise<Page<VehicleResponse>> {
    return mapPage(await this.vehicles.listForCompany(principal.companyId, query), VehicleResponse.of);
  }

  /**
   * The upstream lookup runs before the first query, so before the write's transaction begins: a
   * slow DVLA answer holds no database connection (the write pipeline's transaction is deferred).
   * Then one INSERT, refused by the unique index when the registration is taken.
   */
  async create(principal: Principal, request: CreateVehicleRequest): Promise<VehicleResponse> {
    const vehicle = this.vehicles.create({
      companyId: principal.companyId,
      registration: request.registration,
      vin: request.vin ?? null,
      nickname: request.nickname ?? null,
      mileage: request.mileage ?? null,
      archivedAt: null,
    });
    await this.lookups.lookUpInRequest(vehicle);
    const created = await this.vehicles.insertActive(vehicle);
    if (!created) {
      throw vehicleExists(request.registration, (await this.vehicles.findActiveByRegistration(principal.companyId, request.registration))?.id);
    }
    await this.lookups.scheduleRetryIfPending(created);
    return VehicleResponse.of(created);
  }

  /** PUT: every field replaced; omitted optional fields become null. */
  replace(principal: Principal, vehicleId: string, request: CreateVehicleRequest): Promise<VehicleResponse> {
    return this.update(principal, vehicleId, { registration: request.registration, vin: request.vin ?? null, nickname: request.nickname ?? null, mileage: request.mileage ?? null });
  }

  /** PATCH: only the given fields; a new registration is looked up afresh, before the transaction begins. */
  async update(principal: Principal, vehicleId: string, request: UpdateVehicleRequest): Promise<VehicleResponse> {
    const lookup = request.registration === undefined ? undefined : await this.lookUpIfNew(principal.companyId, vehicleId, request.registration);
    const vehicle = await this.vehicles.getForCompany(principal.companyId, vehicleId, { lock: true });
    if (request.vin !== undefined) vehicle.vin = request.vin;
    if (request.nickname !== undefined) vehicle.nickname = request.nickname;
    if (request.mileage !== undefined) vehicle.mileage = request.mileage;
    if (request.registration !== undefined && request.registration !== vehicle.registration) {
      vehicle.registration = request.registration;
      vehicle.dvla = null;
      vehicle.motTests = [];
      vehicle.lookedUpAt = null;
      this.lookups.apply(vehicle, lookup);
    }
    return VehicleResponse.of(await this.saveAndSchedule(vehicle));
  }

  /** DELETE archives: the vehicle stays readable by id with `archivedAt`; archiving twice is a no-op. */
  async archive(principal: Principal, vehicleId: string): Promise<VehicleResponse> {
    const vehicle = await this.vehicles.getForCompany(principal.companyId, vehicleId);
    if (vehicle.archivedAt) return VehicleResponse.of(vehicle);
    vehicle.archivedAt = new Date();
    return VehicleResponse.of(await this.vehicles.save(vehicle));
  }

  /** The lookup runs between a read ahead of the transaction and the locked read that begins it. */
  async refreshLookup(principal: Principal, vehicleId: string): Promise<VehicleResponse> {
    const { registration } = await this.uow.readAhead(() => this.vehicles.getForCompany(principal.companyId, vehicleId));
    const lookup = await this.lookups.lookUp(registration);
    const vehicle = await this.vehicles.getForCompany(principal.companyId, vehicleId, { lock: true });
    this.lookups.apply(vehicle, lookup);
    return VehicleResponse.of(await this.saveAndSchedule(vehicle));
  }

  /**
   * Ahead of the transaction: refuses a registration another active vehicle has, and looks it up
   * unless the vehicle already has it.
   */
  private async lookUpIfNew(companyId: string, vehicleId: string, registration: string): Promise<RegistrationLookup | undefined> {
    const current = await this.uow.readAhead(async () => {
      const vehicle = await this.vehicles.getForCompany(companyId, vehicleId);
      if (vehicle.registration !== registration && !vehicle.archivedAt) await this.refuseDuplicate(companyId, registration);
      return vehicle;
    });
    return current.registration === registration ? undefined : this.lookups.lookUp(registration);
  }

  private async refuseDuplicate(companyId: string, registration: string): Promise<void> {
    const existing = await this.vehicles.findActiveByRegistration(companyId, registration);
    if (existing) throw vehicleExists(registration, existing.id);
  }

  private async saveAndSchedule(vehicle: Vehicle): Promise<Vehicle> {
    try {
      const saved = await this.vehicles.save(vehicle);
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
