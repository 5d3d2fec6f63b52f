/** The DVLA Vehicle Enquiry Service fields we keep (names as DVLA documents them). */
export interface DvlaVehicleData {
  registrationNumber: string;
  make: string | null;
  colour: string | null;
  fuelType: string | null;
  yearOfManufacture: number | null;
  engineCapacity: number | null;
  co2Emissions: number | null;
  taxStatus: string | null;
  taxDueDate: string | null;
  motStatus: string | null;
  motExpiryDate: string | null;
  monthOfFirstRegistration: string | null;
  markedForExport: boolean | null;
  typeApproval: string | null;
  wheelplan: string | null;
  euroStatus: string | null;
  revenueWeight: number | null;
  dateOfLastV5CIssued: string | null;
}

export interface MotDefect {
  text: string;
  type: string;
  dangerous: boolean;
}

/** One MOT test from the DVSA MOT History API. */
export interface MotTest {
  completedDate: string;
  testResult: string;
  odometerValue: number | null;
  odometerUnit: string | null;
  expiryDate: string | null;
  motTestNumber: string | null;
  defects: MotDefect[];
}

export type VehicleLookupOutcome =
  | { kind: 'found'; dvla: DvlaVehicleData; motTests: MotTest[] }
  | { kind: 'not_found' }
  | { kind: 'unavailable'; reason: string };

export interface LookupOptions {
  /** Attempts per upstream call (retries on 429, 5xx, timeouts and network errors). */
  maxAttempts: number;
  /** Aborts everything (e.g. the job's signal on shutdown). */
  signal?: AbortSignal;
}

/**
 * Where DVLA vehicle details and DVSA MOT history come from. Chosen by VEHICLE_DATA_PROVIDER:
 * `dvla` (the real services) or `simulated` (offline, deterministic).
 */
export abstract class VehicleDataProvider {
  abstract lookup(registration: string, options: LookupOptions): Promise<VehicleLookupOutcome>;
}
