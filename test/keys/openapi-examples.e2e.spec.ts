import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES } from '../../src/identity/scopes/scope-catalogue.js';
import { newCompany, uniqueEmail, type SignedUp } from '../support/factories.js';
import { newCustomer, newVehicle } from '../support/fleet.js';
import { enableApi, newKey, type CreatedKey } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { WebhookReceiver } from '../support/webhooks.js';

interface Schema {
  $ref?: string;
  type?: string;
  example?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
}
interface Operation {
  requestBody?: { content: Record<string, { schema: Schema }> };
  security?: unknown[];
  'x-allowed-roles'?: string[];
}
const document = JSON.parse(readFileSync('openapi.json', 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

const resolve = (schema: Schema): Schema => (schema.$ref ? document.components.schemas[schema.$ref.split('/').pop() ?? ''] : schema);

/** The request the document's examples spell out: each property's example, nested objects and arrays built the same way. */
function exampleOf(reference: Schema): unknown {
  const schema = resolve(reference);
  if (schema.example !== undefined) return schema.example;
  const branch = schema.allOf?.[0] ?? schema.anyOf?.[0];
  if (branch) return exampleOf(branch);
  if (schema.type === 'array' && schema.items) {
    const item = exampleOf(schema.items);
    return item === undefined ? undefined : [item];
  }
  if (!schema.properties) return undefined;
  const entries = Object.entries(schema.properties).map(([name, property]) => [name, exampleOf(property)] as const);
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

/** Operations with a JSON body; creations (no path parameter) first, so the others can act on what they made. */
const operations = Object.entries(document.paths)
  .flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation, key: `${method.toUpperCase()} ${path}` })))
  .filter(({ operation }) => operation.requestBody?.content['application/json'])
  .sort((a, b) => Number(a.path.includes('{')) - Number(b.path.includes('{')));

describe('the request examples in openapi.json', () => {
  let app: TestApp;
  let owner: SignedUp;
  let allScopes: CreatedKey;
  let receiver: WebhookReceiver;
  /** What each creation answered, by its path: the ids the other operations' paths take. */
  const created = new Map<string, Record<string, unknown>>();
  /** The tokens of the sign-in the example made (login → refresh → logout). */
  let session: { email: string; refreshToken?: string } = { email: '' };
  /**
   * The only values not sent as the document shows them: ids and secrets that must be real, addresses
   * that must be unique in a database shared by other tests, and a webhook target this sandbox can
   * resolve (the example's example.com has no DNS here; production resolves it).
   */
  const realValues: Record<string, () => Promise<Record<string, unknown>>> = {
    'POST /v1/auth/signup': () => Promise.resolve({ email: (session = { email: uniqueEmail('example') }).email }),
    'POST /v1/auth/login': () => Promise.resolve({ email: session.email }),
    'POST /v1/auth/refresh': () => Promise.resolve({ refreshToken: session.refreshToken }),
    'POST /v1/auth/logout': () => Promise.resolve({ refreshToken: session.refreshToken }),
    'POST /v1/auth/api-key/token': () => Promise.resolve({ apiKey: allScopes.fullApiKey }),
    'POST /v1/api-keys/revoke': async () => ({ publicId: (await newKey(app, owner)).publicId }),
    'POST /v1/account/users': () => Promise.resolve({ email: uniqueEmail('example-user') }),
    'POST /v1/webhooks': () => Promise.resolve({ url: receiver.route('example').url }),
    'PATCH /v1/webhooks/{id}': () => Promise.resolve({ url: receiver.route('example-edited').url }),
    'POST /v1/inspections': async () => ({ vehicleId: (await newVehicle(app, owner)).id }),
    'POST /v1/agreements': async () => ({ vehicleId: (await newVehicle(app, owner)).id, customerId: (await newCustomer(app, owner)).id }),
  };
  /** Path parameters that cannot be what a creation made: signing off needs a draft (the create example signs off). */
  const realPaths: Record<string, () => Promise<string>> = {
    'POST /v1/inspections/{id}/sign-off': async () => {
      const draft = await app
        .http()
        .post('/v1/inspections')
        .set(allScopes.auth)
        .send({ vehicleId: (await newVehicle(app, owner)).id, templateKey: 'check-out', items: [{ key: 'tyres', result: 'pass' }] })
        .expect(201);
      return `/v1/inspections/${(draft.body as { id: string }).id}/sign-off`;
    },
  };

  beforeAll(async () => {
    app = await startTestApp();
    receiver = await new WebhookReceiver().start();
    owner = await newCompany(app);
    await enableApi(app, owner);
    allScopes = await newKey(app, owner, { name: 'Every scope', scopes: ALL_SCOPES });
  });
  afterAll(async () => {
    await receiver.stop();
    await app.close();
  });

  /** `/v1/webhooks/{id}/recover` → `/v1/webhooks/<the id POST /v1/webhooks answered>`. */
  function pathWithIds(path: string): string {
    return path.replace(/^(.*?)\/\{(\w+)\}/, (_whole, collection: string, parameter: string) => {
      const resource = created.get(collection);
      const id = resource?.[parameter] ?? resource?.id;
      if (typeof id !== 'string') throw new Error(`no creation example made an id for ${path}`);
      return `${collection}/${id}`;
    });
  }

  function credentialFor(operation: Operation): Record<string, string> {
    if (!operation.security?.length) return {};
    return operation['x-allowed-roles'] ? owner.auth : allScopes.auth;
  }

  it('covers every operation that takes a request body', () => {
    expect(operations.length).toBeGreaterThanOrEqual(25);
  });

  for (const { path, method, operation, key } of operations) {
    it(`${key} accepts its example`, async () => {
      const schema = operation.requestBody?.content['application/json'].schema ?? {};
      const example = exampleOf(schema) as Record<string, unknown>;
      const required = resolve(schema).required ?? [];
      expect(required.filter((name) => example[name] === undefined), 'required properties without an example').toEqual([]);

      const body = { ...example, ...(await realValues[key]?.()) };
      const url = realPaths[key] ? await realPaths[key]() : pathWithIds(path);
      const response = await app.http()[method as 'post'](url).set(credentialFor(operation)).send(body);
      expect(response.status, `${key} ${JSON.stringify(body)} → ${JSON.stringify(response.body)}`).toBeGreaterThanOrEqual(200);
      expect(response.status, `${key} ${JSON.stringify(body)} → ${JSON.stringify(response.body)}`).toBeLessThan(300);

      const answer = response.body as Record<string, unknown>;
      if (!path.includes('{')) created.set(path, answer);
      if (typeof answer.refreshToken === 'string' && path.startsWith('/v1/auth/') && key !== 'POST /v1/auth/api-key/token') {
        session.refreshToken = answer.refreshToken;
      }
    });
  }

  it('leaves its callers in: the allowlist examples lock out neither the key nor the owner', async () => {
    await app.http().get('/v1/auth/me').set(allScopes.auth).expect(200);
    await app.http().get('/v1/auth/me').set(owner.auth).expect(200);
  });
});
