import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES } from '../../src/identity/scopes/scope-catalogue.js';
import { newCompany, newTeamMember, type SignedUp } from '../support/factories.js';
import { newCustomer, newVehicle } from '../support/fleet.js';
import { enableApi, newKey } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Every operation of openapi.json gets malformed, oversized, wrongly typed and unicode-hostile bodies,
 * queries and path ids, from a fixed seed. No answer may be a 5xx, an error that is not problem+json,
 * or a body that mentions a stack, SQL or a class name. `FUZZ_RUNS` (default 4) is the number of
 * requests per operation and principal; `FUZZ_SEED` changes the seed.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 4);
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
}
interface Operation {
  method: string;
  path: string;
  parameters: { in: string; name: string; schema?: Schema }[];
  body?: Schema;
}
interface OpenApi {
  paths: Record<string, Record<string, { parameters?: Operation['parameters']; requestBody?: { content: Record<string, { schema: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
}

const LEAK =
  /\n\s+at |"stack"|QueryFailedError|TypeORM|\bSELECT\s+[\w*"]|\bINSERT\s+INTO\b|\bUPDATE\s+"?\w+"?\s+SET\b|\bDELETE\s+FROM\b|duplicate key|violates|relation "|FST_|\b[A-Z]\w+(Service|Repository|Controller|Entity|Exception|Guard|Interceptor|Pipe)\b/;

/** mulberry32: small, fast, and the same sequence for the same seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_STRINGS = [
  '', ' ', 'a\u0000b', '\ud800', 'x\udfff', '\ud83d\ude90', '\u202e\u0301', 'x'.repeat(5000), '💥'.repeat(300), "' OR 1=1 --",
  '<script>alert(1)</script>', '../../etc/passwd', '%00', '${7*7}', '0', '-1', 'null', 'true', '1e309', 'NaN', '2026-13-45', 'AB12CDE',
  '00000000-0000-0000-0000-000000000000', 'vk_abc_def', '::ffff:0.0.0.0/80', '10.0.0.0/33', 'https://[::1]/', '\t\n\r',
];
const HOSTILE_NUMBERS = [0, -1, 1, 2 ** 31, 2 ** 53, -(2 ** 63), 1e308, 0.5, -0, 1_000_001, 99_999_999_999];

function hostileQueryValues(next: () => number): string[] {
  return ['', '-1', '0', '101', '1e309', 'abc', 'x'.repeat(3000), '%', '\u00e9', 'true', '2026-99-99', '01JUNK', String(next())];
}
const PATH_IDS = ['not-a-uuid', '00000000-0000-0000-0000-000000000000', '0', '-1', 'x'.repeat(101), '%00', '%E0%A4%A', '..%2F..', '%F0%9F%92%A5', 'a'.repeat(40), 'null'];

describe('Fuzzing every operation of openapi.json', () => {
  let app: TestApp;
  let owner: SignedUp;
  let keyAuth: { Authorization: string };
  let realIds: string[];
  const document = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8')) as OpenApi;

  beforeAll(async () => {
    app = await startTestApp({
      env: {
        RATE_LIMIT_PER_MINUTE: '1000000',
        LOGIN_FAILURES_PER_EMAIL: '1000000',
        LOGIN_FAILURES_PER_IP_PER_HOUR: '1000000',
        REFRESH_LIMIT_PER_IP_PER_MINUTE: '1000000',
        SIGNUP_LIMIT_PER_IP_PER_HOUR: '1000000',
      },
    });
    owner = await newCompany(app);
    await enableApi(app, owner);
    keyAuth = (await newKey(app, owner, { scopes: ALL_SCOPES })).auth;
    const member = await newTeamMember(app, owner, 'member');
    realIds = [(await newVehicle(app, owner)).id, (await newCustomer(app, owner)).id, member.userId];
  });
  afterAll(() => app.close());

  const resolve = (schema: Schema | undefined): Schema => {
    if (!schema) return {};
    if (schema.$ref) return resolve(document.components.schemas[schema.$ref.split('/').at(-1)!]);
    if (schema.allOf?.length) return resolve(schema.allOf[0]);
    if (schema.oneOf?.length) return resolve(schema.oneOf[0]);
    return schema;
  };

  const operations: Operation[] = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, spec]) => ({
      method: method.toUpperCase(),
      path,
      parameters: spec.parameters ?? [],
      body: spec.requestBody?.content['application/json']?.schema,
    })),
  );

  /** A value for a schema: usually a plausible one, often a hostile or wrongly typed one. */
  function valueFor(schema: Schema, next: () => number, depth: number): unknown {
    const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
    const resolved = resolve(schema);
    const roll = next();
    if (roll < 0.15) return pick([null, true, [], {}, 'string', 42, -1, [null], { nested: { deeper: [1] } }]);
    if (roll < 0.2 && depth < 3) return pick([Array.from({ length: 150 }, () => 'x'), Array.from({ length: 101 }, () => ({ key: 'k', result: 'pass' }))]);
    if (resolved.enum && next() < 0.6) return pick(resolved.enum);
    switch (resolved.type ?? 'object') {
      case 'string':
        if (resolved.format === 'uuid' && next() < 0.5) return pick([...realIds, '00000000-0000-7000-8000-000000000000']);
        return pick(HOSTILE_STRINGS);
      case 'number':
      case 'integer':
        return pick(HOSTILE_NUMBERS);
      case 'boolean':
        return pick([true, false, 'true', 0]);
      case 'array':
        return depth > 3 ? [] : Array.from({ length: Math.floor(next() * 4) }, () => valueFor(resolved.items ?? {}, next, depth + 1));
      default:
        if (resolved.properties && depth <= 3) return objectFor(resolved, next, depth + 1);
        return pick(HOSTILE_STRINGS);
    }
  }

  function objectFor(schema: Schema, next: () => number, depth: number): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (next() < 0.75 || schema.required?.includes(name)) body[name] = valueFor(property, next, depth);
    }
    if (next() < 0.1) body[['__unknown', 'isAdmin', '\u0000key', 'constructor'][Math.floor(next() * 4)]] = 1;
    return body;
  }

  /** A raw request body: mostly schema-shaped and hostile inside, sometimes not JSON at all. */
  function bodyFor(schema: Schema, next: () => number): string {
    const roll = next();
    if (roll < 0.05) return '{"a":'.repeat(40) + '1' + '}'.repeat(40);
    if (roll < 0.1) return pick(next, ['{', '[1,2', '{"a":1,}', 'null', '"text"', '[]', '42', '{"\\ud800":1}', '{"__proto__":{"x":1}}', '\u0000']);
    return JSON.stringify(objectFor(resolve(schema), next, 0));
  }

  const pick = <T>(next: () => number, values: readonly T[]): T => values[Math.floor(next() * values.length)];

  /** Answers a failure, or nothing: a 5xx, an error that is not problem+json, or a leak. */
  const failureOf = (where: string, response: { status: number; headers: Record<string, string>; text: string }): string | undefined => {
    const answered = `${where} → ${response.status} ${response.text.slice(0, 300)}`;
    if (response.status >= 500) return `5xx: ${answered}`;
    if (response.status >= 400 && !String(response.headers['content-type']).startsWith('application/problem+json')) return `not problem+json: ${answered}`;
    if (LEAK.test(response.text)) return `leak (${LEAK.exec(response.text)?.[0]}): ${answered}`;
    return undefined;
  };

  it(`answers ${operations.length} operations × ${RUNS} hostile requests × 2 principals without a 5xx or a leak`, async () => {
    const next = random(SEED);
    const failures: string[] = [];
    for (const operation of operations) {
      for (let run = 0; run < RUNS; run++) {
        for (const auth of [owner.auth, keyAuth]) {
          let path = operation.path;
          for (const parameter of operation.parameters.filter((p) => p.in === 'path')) {
            const id = next() < 0.3 ? pick(next, realIds) : pick(next, PATH_IDS);
            path = path.replace(`{${parameter.name}}`, id);
          }
          const query = operation.parameters
            .filter((parameter) => parameter.in === 'query' && next() < 0.6)
            .map((parameter) => `${encodeURIComponent(parameter.name)}=${encodeURIComponent(pick(next, hostileQueryValues(next)))}`);
          if (next() < 0.1) query.push('limit=%00&cursor=%ED%A0%80');
          const url = query.length > 0 ? `${path}?${query.join('&')}` : path;
          let request = app.http()[operation.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](url).set(auth);
          if (operation.method === 'POST' && next() < 0.2) request = request.set('Idempotency-Key', pick(next, ['x'.repeat(300), ' ', 'k-' + String(run), 'ü']));
          const body = operation.body ? bodyFor(operation.body, next) : next() < 0.2 ? '{"unexpected":true}' : undefined;
          if (body !== undefined) request = request.set('Content-Type', 'application/json').send(body);
          const response = await request.buffer(true).parse((res, done) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => done(null, text));
          });
          const text = String(response.body as string);
          const failure = failureOf(`${operation.method} ${url.slice(0, 200)} ${body?.slice(0, 300) ?? ''}`, { ...response, text });
          if (failure) failures.push(failure);
        }
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
  }, 600_000);

  /** One of each JSON type (null first: class-validator's IsOptional lets it through to the code). */
  const EVERY_TYPE = [null, 0, true, '', [], {}];

  it('answers every body property sent alone as each JSON type without a 5xx or a leak', async () => {
    // a path's id is each of the real records in turn, so the one the route is about is found
    const pathsOf = (path: string) => (path.includes('{') ? realIds.map((id) => path.replace(/\{[^}]+\}/g, id)) : [path]);
    const requests = operations
      .filter((operation) => operation.body)
      .flatMap(({ method, path, body }) =>
        pathsOf(path).flatMap((concrete) =>
          Object.keys(resolve(body).properties ?? {}).flatMap((name) => EVERY_TYPE.map((value) => ({ method, path: concrete, body: { [name]: value } }))),
        ),
      );
    const failures: string[] = [];
    for (const { method, path, body } of requests) {
      for (const auth of [owner.auth, keyAuth]) {
        const response = await app.http()[method.toLowerCase() as 'post' | 'put' | 'patch'](path).set(auth).send(body);
        const failure = failureOf(`${method} ${path} ${JSON.stringify(body)}`, response);
        if (failure) failures.push(failure);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
