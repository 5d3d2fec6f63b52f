import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, newCompany, PASSWORD, uniqueEmail } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const BODY_LIMIT = 2048;

describe('HTTP errors and request ids', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
  });
  afterAll(() => app.close());

  const signup = (body: string | object, contentType = 'application/json') =>
    app.http().post('/v1/auth/signup').set('Content-Type', contentType).send(typeof body === 'string' ? body : JSON.stringify(body));

  const validSignup = () => ({ companyName: 'Acme', name: 'Alex', email: uniqueEmail(), password: PASSWORD });

  describe('request bodies', () => {
    it('answers malformed JSON with 400 validation_failed naming the body', async () => {
      const problem = expectProblem(await signup('{"companyName": "Acme",'), 400, 'validation_failed');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'body' })]);
      expect(JSON.stringify(problem)).not.toMatch(/SyntaxError|at JSON\.parse|FST_/);
    });

    it('answers an empty JSON body with 400 validation_failed', async () => {
      expectProblem(await signup(''), 400, 'validation_failed');
    });

    it.each([
      ['an array', '[1, 2]'],
      ['a string', '"hello"'],
      ['a number', '42'],
      ['null', 'null'],
    ])('answers a body that is %s with 400 validation_failed', async (_label, raw) => {
      const problem = expectProblem(await signup(raw), 400, 'validation_failed');
      expect(problem.errors).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
    });

    it('refuses a __proto__ key with 400 validation_failed', async () => {
      const raw = `{"companyName":"A","name":"B","email":"${uniqueEmail()}","password":"${PASSWORD}","__proto__":{"isAdmin":true}}`;
      expectProblem(await signup(raw), 400, 'validation_failed');
    });

    it('answers a POST without any body with 400 validation_failed naming the required fields', async () => {
      const problem = expectProblem(await app.http().post('/v1/auth/login'), 400, 'validation_failed');
      const fields = (problem.errors as { field: string }[]).map((error) => error.field);
      expect(new Set(fields)).toEqual(new Set(['email', 'password']));
    });

    it('names an unknown property in errors[].field', async () => {
      const problem = expectProblem(await signup({ ...validSignup(), isAdmin: true }), 400, 'validation_failed');
      expect(problem.errors).toEqual([{ field: 'isAdmin', message: 'is not allowed' }]);
    });

    it('names every property of the wrong type', async () => {
      const problem = expectProblem(
        await signup({ companyName: 7, name: ['x'], email: 'not-an-email', password: 123456789012345 }),
        400,
        'validation_failed',
      );
      const fields = (problem.errors as { field: string }[]).map((error) => error.field);
      expect(new Set(fields)).toEqual(new Set(['companyName', 'name', 'email', 'password']));
    });

    it('names missing required properties', async () => {
      const problem = expectProblem(await signup({}), 400, 'validation_failed');
      const fields = (problem.errors as { field: string }[]).map((error) => error.field);
      expect(new Set(fields)).toEqual(new Set(['companyName', 'name', 'email', 'password']));
    });

    it('answers a body over BODY_LIMIT_BYTES with 413 payload_too_large', async () => {
      const response = await signup({ ...validSignup(), name: 'x'.repeat(BODY_LIMIT + 10) });
      const problem = expectProblem(response, 413, 'payload_too_large');
      expect(problem.instance).toBe('/v1/auth/signup');
    });

    it('answers a non-JSON content type with 415 unsupported_media_type', async () => {
      expectProblem(await signup('companyName=Acme', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
    });

    it('has no effect when the request is refused', async () => {
      const email = uniqueEmail();
      expectProblem(await signup({ companyName: 'Acme', name: 'Alex', email, password: PASSWORD, extra: 1 }), 400, 'validation_failed');
      expectProblem(await app.http().post('/v1/auth/login').send({ email, password: PASSWORD }), 401, 'invalid_credentials');
    });
  });

  describe('routing', () => {
    it('answers an unknown route with 404 not_found', async () => {
      const problem = expectProblem(await app.http().get('/v1/no-such-thing'), 404, 'not_found');
      expect(problem.instance).toBe('/v1/no-such-thing');
    });

    it('answers a known path with the wrong method with 405 and Allow', async () => {
      const response = await app.http().delete('/v1/auth/signup');
      expectProblem(response, 405, 'method_not_allowed');
      expect(response.headers.allow).toBe('POST');
    });

    it('lists every allowed method of a parameterised path in Allow', async () => {
      const owner = await newCompany(app);
      const response = await app.http().get(`/v1/account/users/${owner.userId}`).set(owner.auth);
      expectProblem(response, 405, 'method_not_allowed');
      expect(response.headers.allow).toBe('PATCH, DELETE');
    });

    it('answers a malformed path id exactly like a missing one: 404', async () => {
      const owner = await newCompany(app);
      const response = await app.http().patch('/v1/account/users/not-a-uuid').set(owner.auth).send({ name: 'X' });
      expectProblem(response, 404, 'not_found');
    });
  });

  describe('X-Request-Id', () => {
    it('generates one when none is sent', async () => {
      const response = await app.http().get('/v1/health/live').expect(200);
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('echoes a well-formed incoming id, on success and on errors', async () => {
      const id = 'client-42_retry.1:abc';
      const ok = await app.http().get('/v1/health/live').set('X-Request-Id', id).expect(200);
      expect(ok.headers['x-request-id']).toBe(id);
      const failed = await app.http().get('/v1/auth/me').set('X-Request-Id', id);
      expect(expectProblem(failed, 401, 'unauthenticated').requestId).toBe(id);
    });

    it('accepts exactly 128 characters', async () => {
      const id = 'a'.repeat(128);
      const response = await app.http().get('/v1/health/live').set('X-Request-Id', id);
      expect(response.headers['x-request-id']).toBe(id);
    });

    it.each([
      ['too long', 'a'.repeat(200)],
      ['129 characters', 'b'.repeat(129)],
      ['containing spaces', 'has spaces in it'],
      ['containing other characters', 'id<script>'],
    ])('replaces an id that is %s', async (_label, id) => {
      const response = await app.http().get('/v1/auth/me').set('X-Request-Id', id);
      const problem = expectProblem(response, 401, 'unauthenticated');
      expect(response.headers['x-request-id']).not.toBe(id);
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(problem.requestId).toBe(response.headers['x-request-id']);
    });

    it('carries the id on 404, 405 and 413 answers too', async () => {
      const id = 'edge-case-id';
      for (const response of [
        await app.http().get('/v1/nothing-here').set('X-Request-Id', id),
        await app.http().put('/v1/auth/login').set('X-Request-Id', id),
        await signup({ ...validSignup(), name: 'y'.repeat(BODY_LIMIT) }).set('X-Request-Id', id),
      ]) {
        expect(response.headers['x-request-id']).toBe(id);
        expect(response.body.requestId).toBe(id);
      }
    });
  });
});
