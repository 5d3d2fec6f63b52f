import { describe, expect, it } from 'vitest';
import { requestIdFrom } from '../../src/platform/http/request-id.js';
import { decodeCursor, encodeCursor } from '../../src/platform/http/pagination/keyset.js';
import { redactUrl } from '../../src/platform/logging/logger.js';
import { DomainError } from '../../src/platform/http/domain-error.js';
import { ReadAheads } from '../../src/platform/http/read-ahead.js';
import { RouteTable } from '../../src/platform/http/route-table.js';

describe(requestIdFrom.name, () => {
  it.each(['a', 'abc-DEF_123.4:5', 'x'.repeat(128)])('echoes the well-formed %s', (id) => {
    expect(requestIdFrom(id)).toBe(id);
  });

  it.each([undefined, '', 'x'.repeat(129), 'has space', 'semi;colon', 'ünïcode', 'new\nline'])('replaces %j with a UUIDv7', (id) => {
    expect(requestIdFrom(id)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('takes the first of repeated headers', () => {
    expect(requestIdFrom(['first', 'second'])).toBe('first');
  });
});

describe('keyset cursors', () => {
  const id = '0190e7a4-1234-7abc-8def-0123456789ab';

  it('round-trips an id through an opaque URL-safe cursor', () => {
    const cursor = encodeCursor(id);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(id);
    expect(decodeCursor(cursor)).toBe(id);
  });

  it.each(['', 'garbage', Buffer.from(id).toString('base64url'), Buffer.from('v1:not-a-uuid').toString('base64url'), Buffer.from(`v1:${id}'; DROP`).toString('base64url')])(
    'refuses the cursor %j with a validation error naming cursor',
    (cursor) => {
      let thrown: unknown;
      try {
        decodeCursor(cursor);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(DomainError);
      expect((thrown as DomainError).extensions).toEqual({ errors: [{ field: 'cursor', message: 'is not a valid cursor' }] });
    },
  );
});

describe(redactUrl.name, () => {
  it.each([
    ['/v1/auth/api-key/token?apiKey=vk_abc_secret', '/v1/auth/api-key/token?apiKey=[redacted]'],
    ['/v1/x?a=1&APIKEY=vk_abc&b=2', '/v1/x?a=1&APIKEY=[redacted]&b=2'],
    ['/v1/x?api_key=s&token=t&refreshToken=r', '/v1/x?api_key=[redacted]&token=[redacted]&refreshToken=[redacted]'],
    ['/v1/x?notapiKey=keep', '/v1/x?notapiKey=keep'],
    ['/v1/health/live', '/v1/health/live'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe(ReadAheads.name, () => {
  it('reads ahead only for a route that exists, under the method it is declared with', () => {
    const routes = new RouteTable();
    routes.add('GET', '/v1/things/:id');
    routes.add('DELETE', '/v1/others/:id');
    const readAheads = new ReadAheads(routes);
    expect(() => readAheads.register('GET', '/v1/things/:id', () => undefined)).not.toThrow();
    expect(() => readAheads.register('GET', '/v1/others/:id', () => undefined)).toThrow('No route GET /v1/others/:id');
    expect(() => readAheads.register('GET', '/v1/thing/:id', () => undefined)).toThrow('No route GET /v1/thing/:id');
  });
});
