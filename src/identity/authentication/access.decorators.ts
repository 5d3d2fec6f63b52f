import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Role, Scope } from '../scopes/scope-catalogue.js';
import type { Principal } from '../principal.js';

export const ACCESS_RULE = 'fleetgate:access';
/** Every access rule declared on a handler or controller, in order: more than one is a mistake (see test/foundation/routes). */
export const ACCESS_RULES_DECLARED = 'fleetgate:access-declared';

/**
 * What an operation requires, set once per handler and read by the access guard and the OpenAPI
 * document alike, so the docs cannot drift from what is enforced.
 */
export type AccessRule =
  | { kind: 'public' }
  | { kind: 'any-principal' }
  | { kind: 'scopes'; scopes: Scope[] }
  | { kind: 'user'; roles: Role[] };

const problemResponses = () => [
  ApiUnauthorizedResponse({ description: 'problem+json: unauthenticated, invalid_credentials, api_key_revoked, api_key_expired' }),
  ApiForbiddenResponse({ description: 'problem+json: insufficient_scope, role_forbidden, user_token_required, ip_not_allowed, api_disabled' }),
];

/** Sets the rule, and records each declaration so that a second one on the same handler shows. */
function accessRule(rule: AccessRule): MethodDecorator & ClassDecorator {
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = (descriptor?.value as object | undefined) ?? target;
    const declared = (Reflect.getMetadata(ACCESS_RULES_DECLARED, holder) as AccessRule[] | undefined) ?? [];
    Reflect.defineMetadata(ACCESS_RULES_DECLARED, [...declared, rule], holder);
    if (descriptor) SetMetadata(ACCESS_RULE, rule)(target, key!, descriptor);
    else SetMetadata(ACCESS_RULE, rule)(target as never);
  };
}

export const Public = () => applyDecorators(accessRule({ kind: 'public' }), ApiExtension('x-required-scopes', []));

/** Any authenticated principal: a user token, an API key or a key token. */
export const Authenticated = () =>
  applyDecorators(
    accessRule({ kind: 'any-principal' }),
    ApiBearerAuth(),
    ApiExtension('x-required-scopes', []),
    ...problemResponses(),
  );

/** Accepted from a key, a key token, or a user whose role grants the scopes. */
export const RequireScopes = (...scopes: Scope[]) =>
  applyDecorators(
    accessRule({ kind: 'scopes', scopes }),
    ApiBearerAuth(),
    ApiExtension('x-required-scopes', scopes),
    ...problemResponses(),
  );

/** Management operations: user tokens only, of the listed roles. */
export const UserRoles = (...roles: Role[]) =>
  applyDecorators(
    accessRule({ kind: 'user', roles }),
    ApiBearerAuth(),
    ApiExtension('x-required-scopes', []),
    ApiExtension('x-allowed-roles', roles),
    ...problemResponses(),
  );

export type AuthenticatedRequest = FastifyRequest & { user?: Principal };

export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});
