import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOGGER, type AppLogger } from '../logging/logger.js';
import { RouteTable } from './route-table.js';
import { DomainError } from './domain-error.js';
import { PROBLEM_CODES, type ProblemCode, problemSlug } from './problem-codes.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Postgres/driver failures that mean "the database is not there", not "the query was wrong". */
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED/;

/** Fastify's own errors (body parsing, limits) by their status. */
const FASTIFY_STATUS_CODES: Record<number, ProblemCode> = {
  400: 'validation_failed',
  408: 'request_timeout',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  431: 'headers_too_large',
};

/**
 * The single place where anything thrown becomes an RFC 9457 problem+json response. Unknown errors
 * answer only `internal_error` and the request id; the log gets the error's kind, never its stack.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(
    @Inject(LOGGER) private readonly logger: AppLogger,
    private readonly routes: RouteTable,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (isClientAbort(exception)) {
      // the client went away (closed mid-body, or the request timeout already answered 408 and closed it):
      // nothing to answer and nothing wrong on this side
      this.logger.info({ requestId: request.id }, 'client aborted');
      if (!request.raw.socket.destroyed) sendProblem(request, reply, domainErrorOf(exception));
      return;
    }
    const error = this.toDomainError(exception, request);
    if (error.status >= 500) {
      this.logger.error({ requestId: request.id, err: exception }, 'request failed');
    }
    sendProblem(request, reply, error);
  }

  private toDomainError(exception: unknown, request: FastifyRequest): DomainError {
    if (exception instanceof NotFoundException) return this.unmatchedRoute(request);
    return domainErrorOf(exception);
  }

  private unmatchedRoute(request: FastifyRequest): DomainError {
    const allowed = this.routes.allowedMethods(request.url.split('?')[0]);
    if (allowed.length === 0) return DomainError.notFound('Route');
    return new DomainError('method_not_allowed', `${request.method} is not allowed here; use ${allowed.join(', ')}.`, {}, {
      Allow: allowed.join(', '),
    });
  }
}

/** What anything thrown means to a client (an unmatched route aside, which needs the route table). */
export function domainErrorOf(exception: unknown): DomainError {
  if (exception instanceof DomainError) return exception;
  if (exception instanceof HttpException) return fromHttpException(exception);
  if (isClientAbort(exception)) return new DomainError('request_timeout', 'The request body did not arrive in full; the connection is closed.');
  if (isDatabaseUnavailable(exception)) {
    return new DomainError('dependency_unavailable', 'The database is unavailable; the request had no effect.');
  }
  const { statusCode: fastifyStatus, code: errorCode } = (exception ?? {}) as { statusCode?: number; code?: unknown };
  const isFastifyError = typeof errorCode === 'string' && errorCode.startsWith('FST_');
  if (isFastifyError && fastifyStatus && FASTIFY_STATUS_CODES[fastifyStatus]) {
    return fromFastifyError(FASTIFY_STATUS_CODES[fastifyStatus]);
  }
  if (exception instanceof SyntaxError) return fromFastifyError('validation_failed');
  return new DomainError('internal_error', 'An unexpected error occurred.');
}

/** The HTTP status the client will see for an error. */
export function statusOfError(exception: unknown): number {
  return domainErrorOf(exception).status;
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: DomainError): void {
  const { title } = PROBLEM_CODES[error.code];
  const body = {
    type: `/problems/${problemSlug(error.code)}`,
    title,
    status: error.status,
    code: error.code,
    detail: error.detail,
    // an over-long URI is not echoed back
    instance: error.code === 'uri_too_long' ? undefined : request.url.split('?')[0],
    requestId: request.id,
    ...error.extensions,
  };
  void reply
    .status(error.status)
    .headers(error.headers)
    .header('X-Request-Id', request.id)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(body);
}

function fromHttpException(exception: HttpException): DomainError {
  const status = exception.getStatus();
  const code = (Object.entries(PROBLEM_CODES).find(([, entry]) => entry.status === status)?.[0] ??
    (status >= 500 ? 'internal_error' : 'validation_failed')) as ProblemCode;
  if (code === 'validation_failed') {
    return new DomainError(code, 'The request is invalid.', { errors: [{ field: 'body', message: 'must be valid JSON' }] });
  }
  return fromFastifyError(code);
}

function fromFastifyError(code: ProblemCode): DomainError {
  if (code === 'validation_failed') {
    return new DomainError(code, 'The request body is not valid JSON.', {
      errors: [{ field: 'body', message: 'must be a valid JSON object' }],
    });
  }
  if (code === 'payload_too_large') return new DomainError(code, 'The request body is too large.');
  if (code === 'unsupported_media_type') {
    return new DomainError(code, 'The request body must be JSON: send it with `Content-Type: application/json`.');
  }
  return new DomainError(code, `${PROBLEM_CODES[code].title}.`);
}

/**
 * Node's error for a request stream whose connection closed before the body arrived in full (the client
 * hung up, or the request timeout cut it). Its code is ECONNRESET like a lost database connection's, so
 * it is told apart by its message, which the pg driver never uses.
 */
export function isClientAbort(exception: unknown): boolean {
  return exception instanceof Error && (exception as { code?: unknown }).code === 'ECONNRESET' && exception.message === 'aborted';
}

function isDatabaseUnavailable(exception: unknown): boolean {
  if (!(exception instanceof Error)) return false;
  const code = (exception as { code?: unknown }).code ?? (exception as { driverError?: { code?: unknown } }).driverError?.code;
  return (typeof code === 'string' && (UNAVAILABLE_ERRNOS.has(code) || code.startsWith('08'))) ||
    UNAVAILABLE_MESSAGES.test(exception.message);
}
