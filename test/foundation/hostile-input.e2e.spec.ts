import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_CODES } from '../../src/platform/http/problem-codes.js';
import { expectProblem, newCompany, PASSWORD, type SignedUp, uniqueEmail } from '../support/factories.js';
import { newVehicle } from '../support/fleet.js';
import { listenOnLoopback, openConnection, parseResponse, waitFor } from '../support/raw-http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const BODY_LIMIT = 2 * 1024 * 1024;

const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const fields = (problem: Record<string, unknown>) => (problem.errors as { field: string }[]).map((error) => error.field);

describe('Hostile input', () => {
  let app: TestApp;
  let owner: SignedUp;
  beforeAll(async () => {
    app = await startTestApp({ env: { BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
    owner = await newCompany(app);
  });
  afterAll(() => app.close());

  let port: number | undefined;
  /** The app on a loopback port, for raw sockets (listening once). */
  const loopbackPort = async () => (port ??= await listenOnLoopback(app));

  const postRaw = (path: string, raw: string, auth: Record<string, string> = {}) =>
    app.http().post(path).set(auth).set('Content-Type', 'application/json').send(raw);

  describe('deeply nested JSON', () => {
    it('refuses 1 MB of nesting on a public route with 400 validation_failed, quickly', async () => {
      const raw = nested(190_000);
      const started = performance.now();
      const problem = expectProblem(await postRaw('/v1/auth/login', raw), 400, 'validation_failed');
      expect(performance.now() - started).toBeLessThan(1500);
      expect(problem.errors).toEqual([{ field: 'body', message: 'must not nest objects or arrays deeper than 32 levels' }]);
    });

    it('refuses nesting of 33 levels on an authenticated route', async () => {
      const problem = expectProblem(await postRaw('/v1/vehicles', nested(33), owner.auth), 400, 'validation_failed');
      expect(problem.errors).toEqual([{ field: 'body', message: expect.stringContaining('32 levels') as unknown }]);
    });

    it('refuses a too-deep body while it streams in and closes the connection, the rest never awaited', async () => {
      const port = await loopbackPort();
      const connection = await openConnection(port);
      // the deep prefix of a 900 kB body, then nothing: the answer must not wait for the rest (or the 30 s request timeout)
      connection.socket.write(
        'POST /v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 900000\r\n\r\n' + '{"a":'.repeat(40),
      );
      const { received, elapsedMs } = await connection.closed;
      expect(elapsedMs).toBeLessThan(3000);
      const response = parseResponse(received);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers.connection).toBe('close');
      const problem = JSON.parse(response.body) as Record<string, unknown>;
      expect(problem).toMatchObject({ status: 400, code: 'validation_failed', requestId: response.headers['x-request-id'] });
      expect(problem.errors).toEqual([{ field: 'body', message: 'must not nest objects or arrays deeper than 32 levels' }]);
      // the server ended the connection (its FIN arrived); the client never ended or destroyed its side
      expect(connection.socket.readableEnded).toBe(true);
    });

    it('parses 32 levels and validates them like any other body', async () => {
      const problem = expectProblem(await postRaw('/v1/auth/login', nested(32)), 400, 'validation_failed');
      expect(fields(problem)).toContain('a');
      expect(JSON.stringify(problem.errors)).not.toContain('32 levels');
    });

    it('does not count brackets inside strings as nesting', async () => {
      const raw = JSON.stringify({ email: uniqueEmail(), password: '[{'.repeat(40) + '\\"' + '}]'.repeat(40) });
      expectProblem(await postRaw('/v1/auth/login', raw), 401, 'invalid_credentials');
    });

    it('keeps answering other requests quickly while nested bodies arrive', async () => {
      const raw = nested(190_000);
      const flood = Array.from({ length: 8 }, () => postRaw('/v1/auth/login', raw));
      const started = performance.now();
      await app.http().get('/v1/health/live').expect(200);
      expect(performance.now() - started).toBeLessThan(2000);
      for (const response of await Promise.all(flood)) expectProblem(response, 400, 'validation_failed');
    });
  });

  describe('NUL characters and unpaired surrogates', () => {
    it.each([
      ['a NUL in a value', '{"companyName":"Acme\\u0000","name":"A","email":"EMAIL","password":"PASSWORD"}', 'companyName'],
      ['a lone high surrogate in the e-mail', '{"companyName":"Acme","name":"A","email":"x\\ud800EMAIL","password":"PASSWORD"}', 'email'],
      ['a lone low surrogate in a name', '{"companyName":"Acme","name":"\\udc00","email":"EMAIL","password":"PASSWORD"}', 'name'],
    ])('refuses %s with 400 naming the field', async (_label, template, field) => {
      const raw = template.replace('EMAIL', uniqueEmail()).replace('PASSWORD', PASSWORD);
      const problem = expectProblem(await postRaw('/v1/auth/signup', raw), 400, 'validation_failed');
      expect(fields(problem)).toEqual([field]);
    });

    it('refuses a NUL in a property name, naming it', async () => {
      const problem = expectProblem(await postRaw('/v1/auth/login', '{"em\\u0000ail":"x"}'), 400, 'validation_failed');
      expect(problem.errors).toEqual([{ field: 'em\\u0000ail', message: 'property name must not contain NUL characters' }]);
    });

    it('accepts a properly paired surrogate (an emoji)', async () => {
      const vehicle = await newVehicle(app, owner, { nickname: 'Van \ud83d\ude90' });
      expect(vehicle.nickname).toBe('Van \ud83d\ude90');
    });

    it('refuses a lone surrogate nested in an inspection item note, naming its path', async () => {
      const vehicle = await newVehicle(app, owner);
      const raw = `{"vehicleId":"${vehicle.id}","templateKey":"check-out","items":[{"key":"tyres","result":"pass","note":"ok\\ud800"}]}`;
      const problem = expectProblem(await postRaw('/v1/inspections', raw, owner.auth), 400, 'validation_failed');
      expect(fields(problem)).toEqual(['items[0].note']);
    });

    it('refuses a NUL in a query string, naming the parameter', async () => {
      const problem = expectProblem(await app.http().get('/v1/vehicles?registration=AB%0012CDE').set(owner.auth), 400, 'validation_failed');
      expect(fields(problem)).toEqual(['registration']);
    });

    it('still refuses a __proto__ key, also when escaped', async () => {
      expectProblem(await postRaw('/v1/auth/login', '{"email":"a@b.co","password":"x","__proto__":{"admin":true}}'), 400, 'validation_failed');
      expectProblem(await postRaw('/v1/auth/login', '{"email":"a@b.co","password":"x","\\u005f_proto__":{"admin":true}}'), 400, 'validation_failed');
    });
  });

  describe('oversized arrays', () => {
    it('refuses 24,000 inspection items before validating any of them', async () => {
      const vehicle = await newVehicle(app, owner);
      const items = Array.from({ length: 24_000 }, (_, index) => ({ key: `k${index}`, result: 'pass' }));
      const started = performance.now();
      const response = await postRaw('/v1/inspections', JSON.stringify({ vehicleId: vehicle.id, templateKey: 'check-out', items }), owner.auth);
      const elapsed = performance.now() - started;
      const problem = expectProblem(response, 400, 'validation_failed');
      expect(problem.errors).toEqual([{ field: 'items', message: 'must contain no more than 100 elements' }]);
      expect(elapsed).toBeLessThan(1500);
    });

    it('refuses an allowlist of 10,000 entries before parsing any of them', async () => {
      const cidrs = Array.from({ length: 10_000 }, () => 'not-an-address');
      const response = await app.http().put('/v1/account/ip-allowlist').set(owner.auth).send({ cidrs });
      expect(expectProblem(response, 400, 'validation_failed').errors).toEqual([
        { field: 'cidrs', message: 'must contain no more than 100 elements' },
      ]);
    });
  });

  describe('framework errors', () => {
    it('answers bad percent-encoding in the path with 400 problem+json, without FST_', async () => {
      const response = await app.http().get('/v1/vehicles/%E0%A4%A').set(owner.auth);
      expectProblem(response, 400, 'validation_failed');
      expect(JSON.stringify(response.body)).not.toContain('FST_');
    });

    it('answers a path parameter over 100 characters with 414 uri_too_long, without echoing it', async () => {
      const long = 'x'.repeat(150);
      const response = await app.http().get(`/v1/vehicles/${long}`).set(owner.auth);
      expectProblem(response, 414, 'uri_too_long');
      expect(JSON.stringify(response.body)).not.toContain(long);
      expect(JSON.stringify(response.body)).not.toContain('FST_');
    });

    it('answers headers over the limit with 431 headers_too_large problem+json', async () => {
      const port = await loopbackPort();
      const connection = await openConnection(port);
      connection.socket.write(`GET /v1/health/live HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'p'.repeat(20 * 1024)}\r\n\r\n`);
      const response = parseResponse((await connection.closed).received);
      expect(response.status).toBe(431);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(response.body)).toMatchObject({ status: 431, code: 'headers_too_large' });
      expect(response.body).not.toContain('FST_');
    });

    it('answers a non-JSON body with 415 whose detail says to send Content-Type: application/json', async () => {
      const response = await app.http().post('/v1/auth/login').set('Content-Type', 'text/plain').send('email=x');
      expect(expectProblem(response, 415, 'unsupported_media_type').detail).toContain('Content-Type: application/json');
    });

    it('answers a wrong method with 405 problem+json and Allow', async () => {
      const response = await app.http().put('/v1/auth/login');
      expectProblem(response, 405, 'method_not_allowed');
      expect(response.headers.allow).toBe('POST');
    });

    it('answers a body over the limit with 413 problem+json', async () => {
      expectProblem(await postRaw('/v1/auth/login', JSON.stringify({ email: 'x'.repeat(BODY_LIMIT) })), 413, 'payload_too_large');
    });
  });

  describe('problem pages', () => {
    it.each(Object.entries(PROBLEM_CODES))('serves a human page for %s', async (code, entry) => {
      const response = await app.http().get(`/problems/${code.replaceAll('_', '-')}`).expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.text).toContain(`<h1>${entry.title.replaceAll("'", '&#39;')}</h1>`);
      expect(response.text).toContain('What to do');
      expect(response.text).toContain(String(entry.status));
    });

    it('answers an unknown problem slug with 404 problem+json', async () => {
      expectProblem(await app.http().get('/problems/no-such-problem'), 404, 'not_found');
    });
  });
});

describe('Requests arriving during shutdown', () => {
  it('are answered 503 problem+json, never plain JSON', async () => {
    const app = await startTestApp();
    const port = await listenOnLoopback(app);
    const connection = await openConnection(port);
    // a request whose headers are still arriving keeps the connection busy: closing does not drop it as idle
    connection.socket.write('GET /v1/health/live HTTP/1.1\r\nHost: localhost\r\n');
    const fastify = app.app.getHttpAdapter().getInstance();
    const closing = fastify.close();
    await waitFor(() => !fastify.server.listening, 5000, 'the server to stop listening');
    connection.socket.write('\r\n');
    const { received } = await connection.closed;
    await closing;
    await app.close();
    const response = parseResponse(received);
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers.connection).toBe('close');
    expect(JSON.parse(response.body)).toMatchObject({ status: 503, code: 'dependency_unavailable', requestId: response.headers['x-request-id'] });
  });
});
