import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type CallInfo, callInfoOf } from './operation.js';

/** The HTTP call as the audit records it (no query string), for services that record events themselves. */
export const Call = createParamDecorator((_data: unknown, context: ExecutionContext): CallInfo =>
  callInfoOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
