import type { ArgumentsHost } from '@nestjs/common';
import { BadRequestException, NotFoundException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/platform/http/domain-error.js';
import { ProblemDetailsFilter } from '../../src/platform/http/problem-details.filter.js';
import { RouteTable } from '../../src/platform/http/route-table.js';
import { createLogger } from '../../src/platform/logging/logger.js';

interface Sent {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

function run(exception: unknown, url = '/v1/things?secret=1'): { sent: Sent; logged: string[] } {
  const logged: string[] = [];
  const logger = createLogger('info', { write: (line: string) => logged.push(line) });
  const routes = new RouteTable();
  routes.add('GET', '/v1/things');
  const filter = new ProblemDetailsFilter(logger, routes);
  const sent: Sent = { status: 0, headers: {}, body: {} };
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    headers(values: Record<string, string>) {
      Object.assign(sent.headers, values);
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name.toLowerCase()] = value;
      return reply;
    },
    send(body: Record<string, unknown>) {
      sent.body = body;
      return reply;
    },
  };
  const request = { id: 'req-1', url, method: 'POST', raw: { socket: { destroyed: true } } };
  const host = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) } as unknown as ArgumentsHost;
  filter.catch(exception, host);
  return { sent, logged };
}

describe(ProblemDetailsFilter.name, () => {
  it('answers an unexpected Error with internal_error and the request id only', () => {
    const error = new Error('relation "users" does not exist at SELECT * FROM users WHERE password_hash = $1');
    const { sent, logged } = run(error);
    expect(sent.status).toBe(500);
    expect(sent.headers['content-type']).toBe('application/problem+json');
    expect(sent.body).toEqual({
      type: '/problems/internal-error',
      title: 'Internal error',
      status: 500,
      code: 'internal_error',
      detail: 'An unexpected error occurred.',
      instance: '/v1/things',
      requestId: 'req-1',
    });
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0])).toMatchObject({ level: 50, requestId: 'req-1', err: { type: 'Error' } });
    expect(logged[0]).not.toContain('    at ');
  });

  it('hides SQL of a failed query behind internal_error', () => {
    const failure = new QueryFailedError('SELECT secret FROM vault WHERE id = $1', ['42'], new Error('syntax error at or near "FROM"'));
    const { sent } = run(failure);
    expect(sent.status).toBe(500);
    expect(JSON.stringify(sent.body)).not.toMatch(/SELECT|vault|syntax|42/);
  });

  it('answers things that are not Errors at all with internal_error', () => {
    expect(run('a string').sent.body.code).toBe('internal_error');
    expect(run(undefined).sent.body.code).toBe('internal_error');
  });

  it.each([
    ['refused connection', Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' })],
    ['terminated connection', new Error('Connection terminated unexpectedly')],
    ['admin shutdown (57P01)', new QueryFailedError('SELECT 1', [], Object.assign(new Error('terminating connection'), { code: '57P01' }))],
    ['connection failure class 08', Object.assign(new Error('x'), { code: '08006' })],
    ['pool timeout', new Error('timeout exceeded when trying to connect')],
  ])('answers a %s with 503 dependency_unavailable, revealing nothing', (_label, error) => {
    const { sent } = run(error);
    expect(sent.status).toBe(503);
    expect(sent.body.code).toBe('dependency_unavailable');
    expect(JSON.stringify(sent.body)).not.toMatch(/ECONN|10\.0\.0\.5|SELECT|terminat/);
  });

  it('keeps a DomainError\'s extensions and headers', () => {
    const { sent } = run(new DomainError('rate_limited', 'Slow down.', { limit: 5 }, { 'Retry-After': '7' }));
    expect(sent.status).toBe(429);
    expect(sent.headers['Retry-After']).toBe('7');
    expect(sent.body).toMatchObject({ code: 'rate_limited', detail: 'Slow down.', limit: 5, requestId: 'req-1' });
  });

  it('maps Fastify body errors by status', () => {
    const tooLarge = Object.assign(new Error('FST_ERR_CTP_BODY_TOO_LARGE: Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    expect(run(tooLarge).sent.body).toMatchObject({ status: 413, code: 'payload_too_large' });
    const badJson = Object.assign(new SyntaxError('Unexpected token } in JSON'), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 });
    const { sent } = run(badJson);
    expect(sent.body).toMatchObject({ status: 400, code: 'validation_failed', errors: [{ field: 'body', message: expect.any(String) }] });
    expect(JSON.stringify(sent.body)).not.toContain('Unexpected token');
  });

  it('tells an unknown path (404) from a known path with another method (405 + Allow)', () => {
    expect(run(new NotFoundException(), '/v1/other').sent.body.code).toBe('not_found');
    const { sent } = run(new NotFoundException(), '/v1/things');
    expect(sent.status).toBe(405);
    expect(sent.headers.Allow).toBe('GET');
  });

  it('turns a stray Nest HttpException into a problem of the same status', () => {
    const { sent } = run(new BadRequestException('Object contains forbidden prototype property'));
    expect(sent.body).toMatchObject({ status: 400, code: 'validation_failed' });
  });

  it('logs a request stream aborted by its client at info, sends nothing, and keeps a lost database connection a 503 error', () => {
    const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    const abortRun = run(aborted);
    expect(abortRun.sent.status).toBe(0);
    expect(abortRun.logged.map((line) => JSON.parse(line) as { level: number; msg: string })).toEqual([
      expect.objectContaining({ level: 30, msg: 'client aborted' }),
    ]);
    const lostDatabase = run(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    expect(lostDatabase.sent.body).toMatchObject({ status: 503, code: 'dependency_unavailable' });
    expect(lostDatabase.logged.join('\n')).toContain('"level":50');
  });
});
