import { AppConfig, ConfigError } from '../../../platform/config/app-config.js';
import { type LookupOptions, VehicleDataProvider, type VehicleLookupOutcome } from '../vehicle-data.js';
import { DvlaVesClient } from './dvla-ves-client.js';
import { DvsaMotClient } from './dvsa-mot-client.js';
import { type RetryPolicy, UpstreamUnavailable } from './http-retry.js';

const BACKOFF_MS = 200;

/** The real services: DVLA vehicle details and DVSA MOT history, fetched in parallel. */
export class DvlaVehicleDataProvider extends VehicleDataProvider {
  constructor(
    private readonly ves: DvlaVesClient,
    private readonly mot: DvsaMotClient,
    private readonly timeoutMs: number,
  ) {
    super();
  }

  static fromConfig(config: AppConfig): DvlaVehicleDataProvider {
    const required = ['DVLA_API_KEY', 'DVSA_API_KEY', 'DVSA_CLIENT_ID', 'DVSA_CLIENT_SECRET'] as const;
    const missing = required.filter((name) => !config[name]);
    if (missing.length > 0) {
      throw new ConfigError(`Invalid configuration: ${missing.join(', ')} required when VEHICLE_DATA_PROVIDER=dvla`);
    }
    return new DvlaVehicleDataProvider(
      new DvlaVesClient({ baseUrl: config.DVLA_BASE_URL, apiKey: config.DVLA_API_KEY }),
      new DvsaMotClient({
        baseUrl: config.DVSA_BASE_URL,
        apiKey: config.DVSA_API_KEY,
        tokenUrl: config.DVSA_TOKEN_URL,
        clientId: config.DVSA_CLIENT_ID,
        clientSecret: config.DVSA_CLIENT_SECRET,
        scope: config.DVSA_SCOPE,
      }),
      config.LOOKUP_TIMEOUT_MS,
    );
  }

  async lookup(registration: string, options: LookupOptions): Promise<VehicleLookupOutcome> {
    const policy: RetryPolicy = { maxAttempts: options.maxAttempts, timeoutMs: this.timeoutMs, backoffMs: BACKOFF_MS, signal: options.signal };
    const [vehicle, motTests] = await Promise.allSettled([this.ves.vehicle(registration, policy), this.mot.motTests(registration, policy)]);
    if (vehicle.status === 'rejected') return unavailable(vehicle.reason);
    if (vehicle.value === null) return { kind: 'not_found' };
    if (motTests.status === 'rejected') return unavailable(motTests.reason);
    return { kind: 'found', dvla: vehicle.value, motTests: motTests.value };
  }
}

function unavailable(reason: unknown): VehicleLookupOutcome {
  if (reason instanceof UpstreamUnavailable) return { kind: 'unavailable', reason: reason.message };
  throw reason;
}
