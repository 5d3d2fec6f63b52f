import { createParamDecorator, type ExecutionContext, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RouteTable } from './route-table.js';

/** Starts reading a route's record from its path parameters alone; undefined when they name none. */
export type ReadAheadStarter = (params: Record<string, string>) => Promise<unknown> | undefined;

const readsAhead = new WeakMap<FastifyRequest, Promise<unknown>>();

/**
 * Hot reads answer one round trip sooner: the record a route will answer with is read as soon as the
 * request is routed, beside the credential check instead of after it. Nothing but the handler sees
 * the result, and the handler must treat it as read for nobody: a record of another company is
 * answered exactly as a missing one (repositories check the company, as they do in SQL elsewhere).
 * Only requests that present a credential read ahead; a refused one leaves its read unused.
 */
@Injectable()
export class ReadAheads implements OnModuleInit {
  private readonly starters = new Map<string, ReadAheadStarter>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly routes: RouteTable,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRequest', (request, _reply, done) => {
      if (request.headers.authorization !== undefined && this.starters.size > 0) this.start(request);
      done();
    });
  }

  /** Reads ahead for `method url` (a route pattern as declared, e.g. `/v1/vehicles/:id`). */
  register(method: 'GET', url: string, start: ReadAheadStarter): void {
    if (!this.routes.allowedMethods(url).includes(method)) throw new Error(`No route ${method} ${url} to read ahead for`);
    this.starters.set(`${method} ${url}`, start);
  }

  private start(request: FastifyRequest): void {
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
