import { applyDecorators, SetMetadata } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

export const AUDIT_ACTION = 'fleetgate:audit-action';

/**
 * Marks a write or management operation: it runs in one transaction with its audit event
 * (and its credit debit, when it has a cost). `action` is e.g. `vehicle.create`, `api_key.revoke`.
 * The action is also put in the Fastify route's config, so a denial thrown before the handler
 * (by a guard, where Nest's exception filter gets no handler) is still attributed to it.
 */
export const Audited = (action: string) =>
  applyDecorators(SetMetadata(AUDIT_ACTION, action), RouteConfig({ auditAction: action }));

/** The @Audited action of the route a request matched, if any. */
export function auditActionOfRoute(request: FastifyRequest): string | undefined {
  const config = request.routeOptions?.config as { auditAction?: unknown } | undefined;
  return typeof config?.auditAction === 'string' ? config.auditAction : undefined;
}
