import { createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RouteTable } from './route-table.js';

/** Starts reading a route's record from its path parameters alone; undefined when they name none. */
export type ReadAheadStarter = (params: Record<string, string>) => Promise<unknown> | undefined;

const readsAhead = new WeakMap<FastifyRequest, Promise<unknown>>();

/**
 * Hot reads answer one round trip sooner: the record a route will answer with is read beside the
 * credential check instead of after it (the authentication guard starts it just before its database
 * lookup, so only a request that presents a well-formed credential, from an address the instance does
 * not already know to be over its failure throttle, reads ahead). Nothing but the handler sees the
 * result, and the handler must treat it as read for nobody: a record of another company is answered
 * exactly as a missing one (repositories check the company, as they do in SQL elsewhere). A refused
 * request leaves its read unused.
 */
@Injectable()
export class ReadAheads {
  private readonly starters = new Map<string, ReadAheadStarter>();

  constructor(private readonly routes: RouteTable) {}

  /** Reads ahead for `method url` (a route pattern as declared, e.g. `/v1/vehicles/:id`). */
  register(method: 'GET', url: string, start: ReadAheadStarter): void {
    if (!this.routes.allowedMethods(url).includes(method)) throw new Error(`No route ${method} ${url} to read ahead for`);
    this.starters.set(`${method} ${url}`, start);
  }

  /** Starts the request's route's read, if it registered one. */
  start(request: FastifyRequest): void {
    if (this.starters.size === 0) return;
    const start = this.starters.get(`${request.method} ${request.routeOptions.url}`);
    const read = start?.(request.params as Record<string, string>);
    if (!read) return;
    // its failure is the handler's to answer; a request refused before the handler just drops it
    read.catch(() => undefined);
    readsAhead.set(request, read);
  }
}

/** The handler's parameter: the read its route started ahead (see ReadAheads), if it started one. */
export const ReadAhead = createParamDecorator((_data: unknown, context: ExecutionContext): Promise<unknown> | undefined =>
  readsAhead.get(context.switchToHttp().getRequest<FastifyRequest>()),
);
