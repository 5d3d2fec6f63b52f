import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config.js';
import { JobQueue } from '../platform/jobs/job-queue.js';
import { LOGGER, type AppLogger } from '../platform/logging/logger.js';
import { VehicleDataProvider, type VehicleLookupOutcome } from './lookup/vehicle-data.js';
import { type Vehicle, VehiclesRepository } from './vehicles.repository.js';

/** Per provider: a job queued by an instance on the real services is never completed by a simulated one. */
const lookupQueue = (config: AppConfig) => `vehicle-lookup.${config.VEHICLE_DATA_PROVIDER}`;
/** A request waits for at most this many attempts; the durable retry makes up to LOOKUP_MAX_ATTEMPTS per run. */
const REQUEST_ATTEMPTS = 2;

/** What the upstream services said of a registration. */
export interface RegistrationLookup {
  registration: string;
  outcome: VehicleLookupOutcome;
}

interface LookupJob {
  companyId: string;
  vehicleId: string;
  registration: string;
}

/**
 * Fills a vehicle's DVLA and MOT data. A request tries quickly (one upstream call, one retry, each
 * bounded by LOOKUP_TIMEOUT_MS; it runs before the write's first query, so outside its transaction); when the services are
 * unavailable the vehicle is saved `pending` and a durable pg-boss job, enqueued in that same
 * transaction, retries with exponential back-off outside any transaction until it completes.
 */
@Injectable()
export class VehicleLookupService implements OnModuleInit {
  constructor(
    private readonly provider: VehicleDataProvider,
    private readonly jobs: JobQueue,
    private readonly vehicles: VehiclesRepository,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  onModuleInit(): void {
    this.jobs.register<LookupJob>(
      lookupQueue(this.config),
      { retryLimit: this.config.LOOKUP_RETRY_LIMIT, retryDelay: this.config.LOOKUP_RETRY_DELAY_SECONDS, retryBackoff: true, retryDelayMax: 3600 },
      (job, signal) => this.completePending(job, signal),
    );
  }

  /** Looks the vehicle's registration up and applies the outcome (before the write's first query). */
  async lookUpInRequest(vehicle: Vehicle): Promise<void> {
    this.apply(vehicle, await this.lookUp(vehicle.registration));
  }

  /** Asks the upstream services about a registration; run it before the write's first query. */
  async lookUp(registration: string): Promise<RegistrationLookup> {
    const outcome = await this.provider.lookup(registration, {
      maxAttempts: Math.min(REQUEST_ATTEMPTS, this.config.LOOKUP_MAX_ATTEMPTS),
    });
    return { registration, outcome };
  }

  /**
   * Applies a lookup made before the transaction. A vehicle whose registration changed meanwhile (or
   * was not looked up) is left `pending`, for the background retry to look up.
   */
  apply(vehicle: Vehicle, lookup: RegistrationLookup | undefined): void {
    const outcome: VehicleLookupOutcome =
      lookup?.registration === vehicle.registration ? lookup.outcome : { kind: 'unavailable', reason: 'the registration changed during the lookup' };
    applyOutcome(vehicle, outcome);
    if (outcome.kind === 'unavailable') {
      this.logger.warn({ vehicleId: vehicle.id, reason: outcome.reason }, 'vehicle lookup unavailable; retrying in the background');
    }
  }

  /** Call after the vehicle is saved, inside the same transaction. */
  async scheduleRetryIfPending(vehicle: Vehicle): Promise<void> {
    if (vehicle.lookupStatus !== 'pending') return;
    const job: LookupJob = { companyId: vehicle.companyId, vehicleId: vehicle.id, registration: vehicle.registration };
    await this.jobs.send(lookupQueue(this.config), job, { startAfterSeconds: this.config.LOOKUP_RETRY_DELAY_SECONDS });
  }

  private async completePending(job: LookupJob, signal: AbortSignal): Promise<void> {
    const vehicle = await this.vehicles.findForCompany(job.companyId, job.vehicleId);
    if (!vehicle || vehicle.lookupStatus !== 'pending' || vehicle.registration !== job.registration) return;
    const outcome = await this.provider.lookup(job.registration, { maxAttempts: this.config.LOOKUP_MAX_ATTEMPTS, signal });
    if (outcome.kind === 'unavailable') throw new Error(`vehicle lookup still unavailable: ${outcome.reason}`);
    applyOutcome(vehicle, outcome);
    const { lookupStatus, dvla, motTests, lookedUpAt } = vehicle;
    await this.vehicles.completePendingLookup(job.companyId, job.vehicleId, job.registration, { lookupStatus, dvla, motTests, lookedUpAt });
  }
}

/** `unavailable` keeps whatever data the vehicle had (a failed refresh does not erase it). */
function applyOutcome(vehicle: Vehicle, outcome: VehicleLookupOutcome): void {
  switch (outcome.kind) {
    case 'found':
      vehicle.lookupStatus = 'complete';
      vehicle.dvla = outcome.dvla;
      vehicle.motTests = outcome.motTests;
      vehicle.lookedUpAt = new Date();
      return;
    case 'not_found':
      vehicle.lookupStatus = 'not_found';
      vehicle.dvla = null;
      vehicle.motTests = [];
      vehicle.lookedUpAt = new Date();
      return;
    case 'unavailable':
      vehicle.lookupStatus = 'pending';
      vehicle.motTests ??= [];
      vehicle.dvla ??= null;
      return;
  }
}
