import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, map, type Observable, throwError } from 'rxjs';
import { DomainError } from '../../platform/http/domain-error.js';
import { invalid } from '../../platform/http/validation.pipe.js';
import { AppConfig } from '../../platform/config/app-config.js';

/**
 * Browser sessions (the console): with `{"session":"cookie"}` the refresh token travels in an httpOnly,
 * SameSite=Strict cookie scoped to /v1/auth instead of the JSON body, so page scripts never hold it.
 */
export const SESSION_COOKIE = 'fleetgate_refresh';
export const SESSION_COOKIE_PATH = '/v1/auth';
/** A header a cross-site form cannot send and a cross-origin script cannot send without CORS approval. */
export const CSRF_HEADER = 'x-requested-with';

const cookieSessions = new WeakSet<FastifyRequest>();

/** The refresh token of a refresh request: the body's, else the session cookie's (which then needs the CSRF header). */
export function refreshTokenFrom(request: FastifyRequest, bodyToken: string | undefined): string {
  const token = optionalRefreshTokenFrom(request, bodyToken);
  if (token === undefined) {
    throw invalid([{ field: 'refreshToken', message: `refreshToken must be a string (or send the ${SESSION_COOKIE} cookie)` }]);
  }
  return token;
}

/** As `refreshTokenFrom`, for log-out, where having neither is no error. */
export function optionalRefreshTokenFrom(request: FastifyRequest, bodyToken: string | undefined): string | undefined {
  if (bodyToken !== undefined) return bodyToken;
  const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
  if (!cookie) return undefined;
  assertSameOriginBrowserRequest(request);
  cookieSessions.add(request);
  return cookie;
}

/** Whether this request asked for (or already uses) the cookie session. */
export function usesCookieSession(request: FastifyRequest): boolean {
  const body = request.body as { session?: unknown } | undefined;
  return cookieSessions.has(request) || (typeof body === 'object' && body !== null && body.session === 'cookie');
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.header('set-cookie', sessionCookie(request, '', 0));
}

/**
 * On signup, login and refresh: moves the refresh token of a cookie session from the body into the
 * cookie. A refused cookie refresh clears the cookie, so the browser stops presenting a dead token.
 */
@Injectable()
export class SessionCookieInterceptor implements NestInterceptor {
  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(
      map((result: unknown) => {
        if (!usesCookieSession(request) || !hasRefreshToken(result)) return result;
        const { refreshToken, ...rest } = result;
        void reply.header('set-cookie', sessionCookie(request, refreshToken, this.config.REFRESH_TOKEN_TTL_SECONDS));
        return rest;
      }),
      catchError((error: unknown) => {
        if (cookieSessions.has(request) && error instanceof DomainError && error.code === 'invalid_credentials') {
          clearSessionCookie(request, reply);
        }
        return throwError(() => error);
      }),
    );
  }
}

function hasRefreshToken(value: unknown): value is { refreshToken: string } {
  return typeof value === 'object' && value !== null && typeof (value as { refreshToken?: unknown }).refreshToken === 'string';
}

function sessionCookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=${SESSION_COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure}`;
}

/**
 * CSRF defence for cookie-authenticated calls, besides SameSite=Strict: the custom header (which a
 * cross-site form cannot send), and, when the browser says where the call comes from, the same origin.
 */
function assertSameOriginBrowserRequest(request: FastifyRequest): void {
  const header = request.headers[CSRF_HEADER];
  if (typeof header !== 'string' || header.trim() === '') {
    throw invalid([{ field: 'X-Requested-With', message: `is required when the refresh token comes from the ${SESSION_COOKIE} cookie` }]);
  }
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `${request.protocol}://${request.host}`) {
    throw new DomainError('validation_failed', 'A cookie session can only be used from its own origin.', {
      errors: [{ field: 'Origin', message: 'must be the origin of this server' }],
    });
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) {
      const value = part.slice(separator + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}
