import type { DvlaVehicleData } from '../vehicle-data.js';
import { fetchWithRetry, jsonBody, type RetryPolicy, UpstreamUnavailable } from './http-retry.js';

export interface DvlaVesSettings {
  baseUrl: string;
  apiKey: string;
}

type Json = Record<string, unknown>;

/**
 * DVLA Vehicle Enquiry Service: `POST {base}/vehicle-enquiry/v1/vehicles` with `x-api-key` and
 * `{registrationNumber}`. 404 (and 400, DVLA's answer to a mark it cannot have issued) mean not found;
 * errors come as `{errors:[{status, code, title, detail}]}`.
 */
export class DvlaVesClient {
  constructor(private readonly settings: DvlaVesSettings) {}

  async vehicle(registration: string, policy: RetryPolicy): Promise<DvlaVehicleData | null> {
    const response = await fetchWithRetry('DVLA', `${trimSlash(this.settings.baseUrl)}/vehicle-enquiry/v1/vehicles`, {
      method: 'POST',
      headers: { 'x-api-key': this.settings.apiKey, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ registrationNumber: registration }),
    }, policy);
    const body = await jsonBody(response);
    if (response.status === 404 || response.status === 400) return null;
    if (!response.ok || !isObject(body)) throw new UpstreamUnavailable(`DVLA answered ${response.status}${errorTitle(body)}`);
    return toDvlaData(body, registration);
  }
}

function toDvlaData(body: Json, registration: string): DvlaVehicleData {
  return {
    registrationNumber: str(body.registrationNumber) ?? registration,
    make: str(body.make),
    colour: str(body.colour),
    fuelType: str(body.fuelType),
    yearOfManufacture: num(body.yearOfManufacture),
    engineCapacity: num(body.engineCapacity),
    co2Emissions: num(body.co2Emissions),
    taxStatus: str(body.taxStatus),
    taxDueDate: str(body.taxDueDate),
    motStatus: str(body.motStatus),
    motExpiryDate: str(body.motExpiryDate),
    monthOfFirstRegistration: str(body.monthOfFirstRegistration),
    markedForExport: typeof body.markedForExport === 'boolean' ? body.markedForExport : null,
    typeApproval: str(body.typeApproval),
    wheelplan: str(body.wheelplan),
    euroStatus: str(body.euroStatus),
    revenueWeight: num(body.revenueWeight),
    dateOfLastV5CIssued: str(body.dateOfLastV5CIssued),
  };
}

function errorTitle(body: unknown): string {
  if (!isObject(body) || !Array.isArray(body.errors) || !isObject(body.errors[0])) return '';
  const title = str(body.errors[0].title) ?? str(body.errors[0].code);
  return title ? `: ${title}` : '';
}

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
export const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
export const num = (value: unknown): number | null => {
  const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : null;
};
export const trimSlash = (url: string) => url.replace(/\/+$/, '');
