import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/app-config.js';
import { DomainError } from './domain-error.js';
import { hostileStringReason } from './json-body.js';
import { HostileBodyTarpit } from './hostile-body-tarpit.js';
import { BodyBudget, readJsonBody } from './json-body-reader.js';
import { PROBLEM_CODES, problemSlug } from './problem-codes.js';
import { domainErrorOf, PROBLEM_CONTENT_TYPE, sendProblem } from './problem-details.filter.js';
import { requestIdFrom } from './request-id.js';
import { invalid } from './validation.pipe.js';

type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** Path parameters longer than this are refused with 414 before routing. */
export const MAX_PARAM_LENGTH = 100;

/**
 * Fastify options that bound what one client can hold: headers and body within REQUEST_TIMEOUT_MS
 * (else 408 and the connection closed), at most MAX_CONNECTIONS_PER_IP open connections per address,
 * and every error the server raises before a route runs answered as problem+json.
 */
export function hardenedServerOptions(config: AppConfig) {
  return {
    serverFactory: (handler: RequestHandler) => createHardenedServer(handler, config),
    clientErrorHandler: answerClientError,
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => sendProblem(request, reply, frameworkError(error)),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // requests arriving while the server closes get a problem+json 503 from refuseWhileClosing() instead
    return503OnClosing: false,
  };
}

function createHardenedServer(handler: RequestHandler, config: AppConfig): Server {
  const timeout = config.REQUEST_TIMEOUT_MS;
  const server = createServer(
    {
      requestTimeout: timeout,
      headersTimeout: timeout,
      // how often Node looks for requests past those timeouts (its default, 30 s, would let them run to twice the limit)
      connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(timeout / 4))),
      maxHeaderSize: config.MAX_HEADER_BYTES,
    },
    handler,
  );
  server.keepAliveTimeout = config.KEEP_ALIVE_TIMEOUT_MS;
  // a socket that goes completely quiet (not even a slow byte) is dropped after twice the request timeout
  server.setTimeout(timeout * 2);
  capConnectionsPerIp(server, config.MAX_CONNECTIONS_PER_IP);
  return server;
}

/** Connections beyond the cap from one address are closed at once, before any byte is read. */
function capConnectionsPerIp(server: Server, cap: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const ip = socket.remoteAddress ?? 'unknown';
    const count = open.get(ip) ?? 0;
    if (count >= cap) {
      socket.destroy();
      return;
    }
    open.set(ip, count + 1);
    socket.once('close', () => {
      const left = (open.get(ip) ?? 1) - 1;
      if (left <= 0) open.delete(ip);
      else open.set(ip, left);
    });
  });
}

/** Node's own refusals (timeouts, oversized headers, unparsable HTTP) as problem+json, then the connection closed. */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable && socket.bytesWritten === 0) {
    const problem = clientErrorProblem(error.code);
    const requestId = requestIdFrom(undefined);
    const body = JSON.stringify({
      type: `/problems/${problemSlug(problem.code)}`,
      title: PROBLEM_CODES[problem.code].title,
      status: problem.status,
      code: problem.code,
      detail: problem.detail,
      requestId,
    });
    socket.write(
      `HTTP/1.1 ${problem.status} ${PROBLEM_CODES[problem.code].title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

function clientErrorProblem(code: string | undefined): DomainError {
  switch (code ?? '') {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new DomainError('request_timeout', 'The request\'s headers or body did not arrive in time; the connection is closed.');
    case 'HPE_HEADER_OVERFLOW':
      return new DomainError('headers_too_large', 'The request headers are too large.');
    case 'HPE_URI_TOO_LONG':
      return new DomainError('uri_too_long', 'The request URI is too long.');
    default:
      return new DomainError('validation_failed', 'The request is not valid HTTP.', { errors: [{ field: 'request', message: 'is not valid HTTP/1.1' }] });
  }
}

/** Errors Fastify's router raises before any hook runs (bad percent-encoding, over-long parameters). */
function frameworkError(error: Error): DomainError {
  const code = (error as { code?: unknown }).code;
  if (code === 'FST_ERR_BAD_URL') return invalid([{ field: 'path', message: 'is not valid percent-encoded UTF-8' }]);
  if (code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return new DomainError('uri_too_long', `A path parameter is longer than ${MAX_PARAM_LENGTH} characters.`);
  }
  return domainErrorOf(error);
}

/**
 * Hooks and parsers of the hardened server: the one JSON body parser (size, the instance's body budget and
 * depth enforced while the body streams in; NUL and surrogates refused before anything recursive runs;
 * its errors reach Nest's exception filter), hostile query
 * strings refused, and requests arriving during shutdown answered 503 problem+json. Returns the tarpit
 * that holds hostile bodies' refusals from addresses over their budget, for the composition root to
 * give its counter.
 */
export function hardenFastify(fastify: FastifyInstance, config: AppConfig): HostileBodyTarpit {
  // JSON only: other media types (text/plain included) → 415
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  const budget = new BodyBudget(config.MAX_INFLIGHT_BODY_BYTES, config.MAX_INFLIGHT_BODY_BYTES_PER_IP);
  const tarpit = new HostileBodyTarpit(config.HOSTILE_BODY_DELAY_MS);
  // the payload stream itself (no parseAs): the reader refuses a too-large or too-deep body while it arrives
  fastify.addContentTypeParser('application/json', (request, payload, done) => {
    readJsonBody(payload, request.headers, request.routeOptions.bodyLimit ?? config.BODY_LIMIT_BYTES, budget, request.ip, done, (answer) =>
      tarpit.refuse(request.ip, request.raw.socket, answer),
    );
  });
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    // held refusals are answered now: the server's close waits for in-flight requests
    tarpit.releaseAll();
    done();
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    if (closing) {
      void reply.header('Connection', 'close');
      sendProblem(request, reply, new DomainError('dependency_unavailable', 'This instance is shutting down; the request had no effect. Retry it.'));
      return;
    }
    const problem = hostileQuery(request.query);
    if (problem) {
      sendProblem(request, reply, problem);
      return;
    }
    done();
  });
  return tarpit;
}

function hostileQuery(query: unknown): DomainError | undefined {
  if (query === null || typeof query !== 'object') return undefined;
  for (const [name, value] of Object.entries(query as Record<string, unknown>)) {
    for (const text of [name, ...[value].flat()] as unknown[]) {
      if (typeof text !== 'string') continue;
      const reason = hostileStringReason(text);
      if (reason) return invalid([{ field: JSON.stringify(name).slice(1, -1), message: reason }]);
    }
  }
  return undefined;
}
