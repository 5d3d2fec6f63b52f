import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** `held`: answers `ok` only when `releaseHeld()` is called (an upstream as slow as a test needs). */
export type Behaviour = 'ok' | '404' | '429' | '500' | 'hang' | 'held';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A local stand-in for DVLA VES, DVSA MOT History and the DVSA token endpoint, speaking their documented
 * JSON. Per registration, `script(registration, [...])` sets how the next DVLA calls answer (then `ok`).
 */
export class FakeDvla {
  readonly requests: RecordedRequest[] = [];
  readonly colours = new Map<string, string>();
  private readonly scripts = new Map<string, Behaviour[]>();
  private readonly held: Array<() => void> = [];
  private server!: Server;
  url = '';

  static readonly API_KEY = 'dvla-test-key';
  static readonly DVSA_API_KEY = 'dvsa-test-key';
  static readonly CLIENT_ID = 'client-id';
  static readonly CLIENT_SECRET = 'client-secret';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => this.handle(request, body, response));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The app settings that point the dvla provider at this fake. */
  env(): Record<string, string> {
    return {
      VEHICLE_DATA_PROVIDER: 'dvla',
      DVLA_BASE_URL: this.url,
      DVLA_API_KEY: FakeDvla.API_KEY,
      DVSA_BASE_URL: `${this.url}/`,
      DVSA_API_KEY: FakeDvla.DVSA_API_KEY,
      DVSA_TOKEN_URL: `${this.url}/token`,
      DVSA_CLIENT_ID: FakeDvla.CLIENT_ID,
      DVSA_CLIENT_SECRET: FakeDvla.CLIENT_SECRET,
    };
  }

  script(registration: string, behaviours: Behaviour[]): void {
    this.scripts.set(registration, [...behaviours]);
  }

  /** Answers every `held` call so far. */
  releaseHeld(): void {
    for (const answer of this.held.splice(0)) answer();
  }

  callsTo(prefix: string, registration?: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path.startsWith(prefix) && (!registration || request.body.includes(registration) || request.path.endsWith(registration)));
  }

  private handle(request: IncomingMessage, body: string, response: ServerResponse): void {
    const path = request.url ?? '';
    this.requests.push({ method: request.method ?? '', path, headers: request.headers, body });
    if (path === '/token' && request.method === 'POST') return this.token(body, response);
    if (path === '/vehicle-enquiry/v1/vehicles' && request.method === 'POST') return this.vehicle(request, body, response);
    const mot = /^\/v1\/trade\/vehicles\/registration\/([A-Z0-9]+)$/.exec(path);
    if (mot && request.method === 'GET') return this.motHistory(request, mot[1], response);
    json(response, 404, { errors: [{ status: '404', code: '404', title: 'Not Found', detail: 'No such route' }] });
  }

  private token(body: string, response: ServerResponse): void {
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== FakeDvla.CLIENT_ID || form.get('client_secret') !== FakeDvla.CLIENT_SECRET) {
      return json(response, 401, { error: 'invalid_client' });
    }
    json(response, 200, { token_type: 'Bearer', expires_in: 3599, access_token: 'fake-access-token' });
  }

  private vehicle(request: IncomingMessage, body: string, response: ServerResponse): void {
    if (request.headers['x-api-key'] !== FakeDvla.API_KEY) {
      return json(response, 403, { errors: [{ status: '403', code: '403', title: 'Forbidden', detail: 'Invalid API key' }] });
    }
    const registration = (JSON.parse(body) as { registrationNumber: string }).registrationNumber;
    const behaviour = this.scripts.get(registration)?.shift() ?? 'ok';
    switch (behaviour) {
      case 'hang':
        return;
      case 'held':
        this.held.push(() => this.vehicle(request, body, response));
        return;
      case '404':
        return json(response, 404, { errors: [{ status: '404', code: '404', title: 'Vehicle Not Found', detail: 'Record for vehicle not found' }] });
      case '429':
        response.setHeader('retry-after', '0');
        return json(response, 429, { errors: [{ status: '429', code: '429', title: 'Too Many Requests', detail: 'Rate limit exceeded' }] });
      case '500':
        return json(response, 500, { errors: [{ status: '500', code: 'ENQ103', title: 'Internal Server Error', detail: 'System error occurred' }] });
      case 'ok':
        return json(response, 200, {
          registrationNumber: registration,
          taxStatus: 'Taxed',
          taxDueDate: '2026-12-01',
          motStatus: 'Valid',
          make: 'FORD',
          yearOfManufacture: 2012,
          engineCapacity: 1596,
          co2Emissions: 139,
          fuelType: 'PETROL',
          markedForExport: false,
          colour: this.colours.get(registration) ?? 'BLUE',
          typeApproval: 'M1',
          dateOfLastV5CIssued: '2021-06-04',
          motExpiryDate: '2026-02-28',
          wheelplan: '2 AXLE RIGID BODY',
          monthOfFirstRegistration: '2012-03',
          euroStatus: 'EURO 5',
          realDrivingEmissions: '1',
        });
    }
  }

  private motHistory(request: IncomingMessage, registration: string, response: ServerResponse): void {
    if (request.headers.authorization !== 'Bearer fake-access-token' || request.headers['x-api-key'] !== FakeDvla.DVSA_API_KEY) {
      return json(response, 401, { errorCode: 'MOTH-UN-01', errorMessage: 'Unauthorized' });
    }
    json(response, 200, {
      registration,
      make: 'FORD',
      model: 'FOCUS',
      firstUsedDate: '2012-03-01',
      fuelType: 'Petrol',
      primaryColour: 'Blue',
      motTests: [
        {
          completedDate: '2025-02-20T10:12:51.000Z', testResult: 'PASSED', expiryDate: '2026-02-28', odometerValue: '65432',
          odometerUnit: 'MI', odometerResultType: 'READ', motTestNumber: '123456789012', dataSource: 'DVSA',
          defects: [{ text: 'Nearside Front Tyre worn close to legal limit', type: 'ADVISORY', dangerous: false }],
        },
        {
          completedDate: '2024-02-18T09:01:11.000Z', testResult: 'FAILED', expiryDate: null, odometerValue: '57001',
          odometerUnit: 'MI', odometerResultType: 'READ', motTestNumber: '987654321098', dataSource: 'DVSA',
          defects: [{ text: 'Headlamp aim too high', type: 'MAJOR', dangerous: false }],
        },
      ],
    });
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
