import type { MotDefect, MotTest } from '../vehicle-data.js';
import { isObject, num, str, trimSlash } from './dvla-ves-client.js';
import { fetchWithRetry, jsonBody, type RetryPolicy, UpstreamUnavailable } from './http-retry.js';

export interface DvsaMotSettings {
  baseUrl: string;
  apiKey: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope: string;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

/** Renew a token this long before it expires, so none is sent as it lapses. */
const TOKEN_EXPIRY_MARGIN_MS = 60_000;

/**
 * DVSA MOT History API: `GET {base}/v1/trade/vehicles/registration/{vrm}` with an OAuth2
 * client-credentials bearer token (cached until shortly before it expires, one fetch shared by
 * concurrent callers) and `X-API-Key`. 404 means no MOT history (e.g. a vehicle under three years old).
 */
export class DvsaMotClient {
  private token?: CachedToken;
  private tokenInFlight?: Promise<CachedToken>;

  constructor(private readonly settings: DvsaMotSettings) {}

  async motTests(registration: string, policy: RetryPolicy): Promise<MotTest[]> {
    let response = await this.request(registration, policy);
    if (response.status === 401) {
      await response.body?.cancel();
      this.token = undefined;
      response = await this.request(registration, policy);
    }
    const body = await jsonBody(response);
    if (response.status === 404) return [];
    if (!response.ok || !isObject(body)) throw new UpstreamUnavailable(`DVSA answered ${response.status}`);
    return Array.isArray(body.motTests) ? body.motTests.filter(isObject).map(toMotTest) : [];
  }

  private async request(registration: string, policy: RetryPolicy): Promise<Response> {
    const token = await this.accessToken(policy);
    const url = `${trimSlash(this.settings.baseUrl)}/v1/trade/vehicles/registration/${encodeURIComponent(registration)}`;
    return fetchWithRetry('DVSA', url, {
      headers: { authorization: `Bearer ${token}`, 'x-api-key': this.settings.apiKey, accept: 'application/json' },
    }, policy);
  }

  private async accessToken(policy: RetryPolicy): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now()) return this.token.value;
    this.tokenInFlight ??= this.fetchToken(policy).finally(() => {
      this.tokenInFlight = undefined;
    });
    this.token = await this.tokenInFlight;
    return this.token.value;
  }

  private async fetchToken(policy: RetryPolicy): Promise<CachedToken> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.settings.clientId,
      client_secret: this.settings.clientSecret,
      scope: this.settings.scope,
    });
    const response = await fetchWithRetry('DVSA token endpoint', this.settings.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    }, policy);
    const body = await jsonBody(response);
    const value = isObject(body) ? str(body.access_token) : null;
    if (!response.ok || !value) throw new UpstreamUnavailable(`DVSA token endpoint answered ${response.status}`);
    const lifetimeMs = (num(isObject(body) ? body.expires_in : null) ?? 3600) * 1000;
    return { value, expiresAt: Date.now() + Math.max(0, lifetimeMs - TOKEN_EXPIRY_MARGIN_MS) };
  }
}

function toMotTest(test: Record<string, unknown>): MotTest {
  return {
    completedDate: str(test.completedDate) ?? '',
    testResult: str(test.testResult) ?? 'UNKNOWN',
    odometerValue: num(test.odometerValue),
    odometerUnit: str(test.odometerUnit),
    expiryDate: str(test.expiryDate),
    motTestNumber: str(test.motTestNumber),
    defects: Array.isArray(test.defects) ? test.defects.filter(isObject).map(toDefect) : [],
  };
}

function toDefect(defect: Record<string, unknown>): MotDefect {
  return { text: str(defect.text) ?? '', type: str(defect.type) ?? 'UNKNOWN', dangerous: defect.dangerous === true };
}
