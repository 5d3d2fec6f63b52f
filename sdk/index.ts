import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, operations, paths } from './schema.js';

export type Schemas = components['schemas'];
export type Scope = Schemas['ScopeEntry']['name'];
export type Role = Schemas['UserResponse']['role'];
export type FleetgateClient = Client<paths>;
export type ApiKeyView = Schemas['ApiKeyResponse'];
export type ApiKeyUsage = Schemas['KeyUsageResponse'];
export type UpdateApiKeyRequest = Schemas['UpdateApiKeyRequest'];

/** An RFC 9457 problem, as every Fleetgate error is. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: { field: string; message: string }[];
  [extension: string]: unknown;
}

/** A failed call: the problem the server answered (or a synthetic one when there was no problem body). */
export class FleetgateProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.name = 'FleetgateProblem';
  }

  get code(): string {
    return this.problem.code;
  }

  get status(): number {
    return this.problem.status;
  }
}

export interface FleetgateClientOptions extends ClientOptions {
  /**
   * The credential sent as `Authorization: Bearer …`: an API key (`vk_…`), a key access token or a user
   * access token; or a function asked before every request (for tokens that refresh).
   */
  credential?: string | (() => string | undefined | Promise<string | undefined>);
}

/** A typed client of the Fleetgate API, generated from the committed openapi.json. */
export function createFleetgateClient(options: FleetgateClientOptions = {}): FleetgateClient {
  const { credential, ...clientOptions } = options;
  const client = createClient<paths>(clientOptions);
  if (credential !== undefined) client.use(bearer(credential));
  return client;
}

function bearer(credential: NonNullable<FleetgateClientOptions['credential']>): Middleware {
  return {
    async onRequest({ request }) {
      if (request.headers.has('Authorization')) return request;
      const value = typeof credential === 'function' ? await credential() : credential;
      if (value) request.headers.set('Authorization', `Bearer ${value}`);
      return request;
    },
  };
}

type Outcome<T> = { data?: T; error?: unknown; response: Response };

/**
 * The data of a successful call, or a thrown `FleetgateProblem`:
 * `const key = await ok(fleetgate.POST('/v1/api-keys', { body }))`.
 */
export async function ok<T>(call: Promise<Outcome<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  throw new FleetgateProblem(toProblem(error, response));
}

export function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && typeof (value as Problem).code === 'string' && typeof (value as Problem).status === 'number';
}

function toProblem(error: unknown, response: Response): Problem {
  if (isProblem(error)) return error;
  return {
    type: 'about:blank',
    title: response.statusText || 'Request failed',
    status: response.status,
    code: 'http_error',
    detail: typeof error === 'string' && error ? error : `The server answered ${response.status}.`,
    requestId: response.headers.get('X-Request-Id') ?? undefined,
  };
}
