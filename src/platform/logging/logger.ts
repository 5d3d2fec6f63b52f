import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';

export const LOGGER = Symbol('LOGGER');
export type AppLogger = Logger;

/** Query parameters whose values are secrets and must never be written anywhere. */
const SECRET_QUERY_PARAMS = /([?&](?:apiKey|api_key|token|refreshToken)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY_PARAMS, '$1[redacted]');
}

const SECRET_FIELDS = [
  'password', 'refreshToken', 'accessToken', 'apiKey', 'fullApiKey', 'secret', 'shareCode', 'authorization',
];

export function createLogger(level: string, destination?: DestinationStream): AppLogger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [...SECRET_FIELDS, ...SECRET_FIELDS.map((field) => `*.${field}`), 'req.headers.authorization'],
        censor: '[redacted]',
      },
      serializers: {
        // Only what an operator needs; headers (Authorization, cookies) are never logged.
        req: (req: { method: string; url: string; ip?: string }) => ({
          method: req.method,
          url: redactUrl(req.url),
          ip: req.ip,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        // No stack traces and no SQL in logs: the error's kind, code and message are enough to search by.
        err: (err: Error & { code?: unknown }) => ({ type: err.name, code: err.code, message: err.message }),
      },
    },
    destination,
  );
}

/** Routes Nest's own framework messages into the same structured log. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: AppLogger) {}
  log(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  error(message: unknown, _trace?: string, context?: string) {
    this.logger.error({ context }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
