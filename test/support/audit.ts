import { randomUUID } from 'node:crypto';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { AUDIT_ACTION } from '../../src/platform/operations/audited.decorator.js';
import { ACCESS_RULE, type AccessRule } from '../../src/identity/authentication/access.decorators.js';
import type { AuditEventResponse } from '../../src/audit/dto/audit-event.dto.js';
import type { TestApp } from './test-app.js';

/** The contract's event shape, as the API answers it. */
export type AuditEventBody = AuditEventResponse;

export interface DeclaredRoute {
  method: string;
  path: string;
  action?: string;
  access?: AccessRule;
}

const join = (...parts: string[]) => `/${parts.map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;

/** Every route the app's controllers declare, read from Nest's metadata (so new endpoints show up here). */
export function declaredRoutes(app: TestApp): DeclaredRoute[] {
  const routes: DeclaredRoute[] = [];
  for (const module of app.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: unknown[]) => unknown) | null;
      if (!controller) continue;
      const prefix = (Reflect.getMetadata(PATH_METADATA, controller) as string | undefined) ?? '';
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const paths = [Reflect.getMetadata(PATH_METADATA, handler) as string | string[]].flat();
        for (const path of paths) {
          routes.push({
            method: RequestMethod[method],
            path: join(prefix, path),
            action: Reflect.getMetadata(AUDIT_ACTION, handler) as string | undefined,
            access: (Reflect.getMetadata(ACCESS_RULE, handler) ?? Reflect.getMetadata(ACCESS_RULE, controller)) as AccessRule | undefined,
          });
        }
      }
    }
  }
  return routes;
}

/** The company's audit rows exactly as stored, every column. */
export async function storedAuditRows(app: TestApp, companyId: string): Promise<Array<Record<string, unknown>>> {
  return app.dataSource.query(`SELECT * FROM audit_events WHERE company_id = $1 ORDER BY seq`, [companyId]);
}

/** The company's events with this request id, read through the API. */
export async function eventsOfRequest(app: TestApp, auth: { Authorization: string }, requestId: string): Promise<AuditEventBody[]> {
  const all: AuditEventBody[] = [];
  let cursor: string | null = null;
  do {
    const response = await app.http().get('/v1/audit-logs').query({ limit: 100, ...(cursor ? { cursor } : {}) }).set(auth).expect(200);
    const page = response.body as { data: AuditEventBody[]; nextCursor: string | null };
    all.push(...page.data.filter((event) => event.requestId === requestId));
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

export const newRequestId = () => `audit-test-${randomUUID()}`;
