import { INTERCEPTORS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { MetadataScanner } from '@nestjs/core/metadata-scanner.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_RULES_DECLARED, Authenticated, Public } from '../../src/identity/authentication/access.decorators.js';
import { PublicThrottleInterceptor } from '../../src/identity/authentication/throttles.js';
import { AUDIT_ACTION } from '../../src/platform/operations/audited.decorator.js';
import { CREDIT_COST } from '../../src/platform/operations/credit-cost.decorator.js';
import { WritePipelineInterceptor } from '../../src/platform/operations/write-pipeline.interceptor.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Where @nestjs/swagger keeps @ApiXxxResponse and @ApiProduces (its DECORATORS constants). */
const API_RESPONSE = 'swagger/apiResponse';
const API_PRODUCES = 'swagger/apiProduces';
const API_EXCLUDE_CONTROLLER = 'swagger/apiExcludeController';

interface Route {
  name: string;
  /** Left out of the OpenAPI document (@ApiExcludeController), e.g. the HTML problem pages. */
  documented: boolean;
  method: string;
  accessRules: unknown[];
  audited: boolean;
  costed: boolean;
  interceptors: unknown[];
  responses: Record<string, { type?: unknown; schema?: unknown; content?: unknown }>;
  produces: string[];
}

/** Every handler of every controller the app mounted, with what it declares. */
function routesOf(app: TestApp): Route[] {
  const scanner = new MetadataScanner();
  const routes: Route[] = [];
  for (const module of app.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      const documented = !(Reflect.getMetadata(API_EXCLUDE_CONTROLLER, controller) as unknown[] | undefined)?.[0];
      const declaredOnClass = (Reflect.getMetadata(ACCESS_RULES_DECLARED, controller) as unknown[] | undefined) ?? [];
      for (const method of scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[method] as object;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        routes.push({
          name: `${controller.name}.${method}`,
          documented,
          method: RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod],
          accessRules: [...declaredOnClass, ...((Reflect.getMetadata(ACCESS_RULES_DECLARED, handler) as unknown[] | undefined) ?? [])],
          audited: Reflect.getMetadata(AUDIT_ACTION, handler) !== undefined,
          costed: Reflect.getMetadata(CREDIT_COST, handler) !== undefined,
          interceptors: [
            ...((Reflect.getMetadata(INTERCEPTORS_METADATA, controller) as unknown[] | undefined) ?? []),
            ...((Reflect.getMetadata(INTERCEPTORS_METADATA, handler) as unknown[] | undefined) ?? []),
          ],
          responses: (Reflect.getMetadata(API_RESPONSE, handler) as Route['responses'] | undefined) ?? {},
          produces: (Reflect.getMetadata(API_PRODUCES, handler) as string[] | undefined) ?? [],
        });
      }
    }
  }
  return routes;
}

/** A success response with a type or schema, a binary/streamed body (@ApiProduces), or an explicit 204. */
function declaresItsResponse(route: Route): boolean {
  return Object.entries(route.responses).some(([status, response]) => {
    if (!/^2\d\d$/.test(status)) return false;
    if (status === '204') return true;
    return response.type !== undefined || response.schema !== undefined || response.content !== undefined || route.produces.length > 0;
  });
}

describe('routes', () => {
  it('records every access rule declared on a handler, so that a second one shows', () => {
    class Twice {
      @Public()
      @Authenticated()
      handler(): void {}
    }
    expect(Reflect.getMetadata(ACCESS_RULES_DECLARED, Object.getOwnPropertyDescriptor(Twice.prototype, 'handler')!.value as object)).toEqual([{ kind: 'any-principal' }, { kind: 'public' }]);
  });

  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('finds the routes of every controller', () => {
    expect(routesOf(app).length).toBeGreaterThan(50);
  });

  it('gives every route exactly one access rule (@Public, @Authenticated, @RequireScopes or @UserRoles)', () => {
    const wrong = routesOf(app).filter((route) => route.accessRules.length !== 1).map((route) => `${route.name}: ${route.accessRules.length}`);
    expect(wrong).toEqual([]);
  });

  it('puts every write through the write pipeline once, an authenticated POST included, and nothing else', () => {
    const wrong = routesOf(app)
      .filter((route) => {
        const authenticatedPost = route.method === 'POST' && !route.accessRules.some((rule) => (rule as { kind: string }).kind === 'public');
        const writes = route.audited || route.costed || authenticatedPost;
        const bound = route.interceptors.filter((interceptor) => interceptor === WritePipelineInterceptor).length;
        return bound !== (writes ? 1 : 0);
      })
      .map((route) => route.name);
    expect(wrong).toEqual([]);
  });

  it('runs read routes without any interceptor (resolved at start-up), and public throttles only where declared', () => {
    const reads = routesOf(app).filter((route) => route.method === 'GET' && route.interceptors.some((interceptor) => interceptor !== PublicThrottleInterceptor));
    expect(reads.map((route) => route.name)).toEqual([]);
    const throttled = routesOf(app).filter((route) => route.interceptors.includes(PublicThrottleInterceptor)).map((route) => route.name).sort();
    expect(throttled).toEqual(['KeyTokenController.exchange', 'KeyTokenController.exchangeByQuery', 'SessionsController.login', 'SessionsController.refresh', 'SessionsController.signup']);
  });

  it('documents every route\'s success response with a type (or as binary, streamed or 204)', () => {
    const undocumented = routesOf(app).filter((route) => route.documented && !declaresItsResponse(route)).map((route) => route.name);
    expect(undocumented).toEqual([]);
  });
});
