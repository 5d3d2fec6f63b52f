import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Operation {
  'x-required-scopes'?: unknown;
  'x-credit-cost'?: unknown;
  security?: Record<string, unknown>[];
}

describe('health and docs', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('answers GET /v1/health/live', async () => {
    const response = await app.http().get('/v1/health/live').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
    expect(response.headers['x-request-id']).toEqual(expect.any(String));
  });

  it('answers GET /v1/health/ready after checking the database', async () => {
    const response = await app.http().get('/v1/health/ready').expect(200);
    expect(response.body).toEqual({ status: 'ok', database: 'ok', rateLimitStore: app.config.REDIS_URL ? 'shared' : 'local' });
  });

  it('serves the Swagger UI at /docs', async () => {
    const response = await app.http().get('/docs').redirects(1).expect(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.text).toMatch(/swagger-ui/i);
  });

  describe('GET /docs/openapi.json', () => {
    let document: {
      openapi: string;
      paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
      components: { securitySchemes: Record<string, { type: string; scheme?: string; description?: string }> };
    };
    beforeAll(async () => {
      const response = await app.http().get('/docs/openapi.json').expect(200);
      expect(response.headers['content-type']).toMatch(/application\/json/);
      document = response.body as typeof document;
    });

    it('is an OpenAPI 3 document with a bearer security scheme showing the header format', () => {
      expect(document.openapi).toMatch(/^3\./);
      const schemes = Object.values(document.components.securitySchemes);
      const bearer = schemes.find((scheme) => scheme.type === 'http' && scheme.scheme === 'bearer');
      expect(bearer?.description).toMatch(/Authorization: Bearer /);
    });

    it('states x-required-scopes (an array) and x-credit-cost (0 or 1) on every /v1 operation', () => {
      const operations = Object.entries(document.paths)
        .filter(([path]) => path.startsWith('/v1'))
        .flatMap(([path, item]) => METHODS.filter((method) => item[method]).map((method) => ({ path, method, operation: item[method]! })));
      expect(operations.length).toBeGreaterThan(10);
      for (const { path, method, operation } of operations) {
        expect(Array.isArray(operation['x-required-scopes']), `${method} ${path} x-required-scopes`).toBe(true);
        expect([0, 1], `${method} ${path} x-credit-cost`).toContain(operation['x-credit-cost']);
      }
    });

    it('documents the foundation operations with the right access', () => {
      const paths = document.paths;
      for (const path of ['/v1/auth/signup', '/v1/auth/login', '/v1/auth/refresh']) {
        expect(paths[path]?.post?.security ?? []).toEqual([]);
      }
      expect(paths['/v1/auth/me']?.get?.security?.length).toBeGreaterThan(0);
      expect(paths['/v1/account']?.get?.security?.length).toBeGreaterThan(0);
      expect(Object.keys(paths['/v1/account/users/{id}'] ?? {})).toEqual(expect.arrayContaining(['patch', 'delete']));
      expect(paths['/v1/health/ready']?.get?.['x-required-scopes']).toEqual([]);
    });
  });
});
