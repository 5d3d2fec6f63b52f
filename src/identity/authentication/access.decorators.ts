import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Role, Scope } from '../scopes/scope-catalogue.js';
import type { Principal } from '../principal.js';

export const ACCESS_RULE = 'fleetgate:access';

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

export const Public = () => applyDecorators(SetMetadata(ACCESS_RULE, { kind: 'public' } satisfies AccessRule), ApiExtension('x-required-scopes', []));

/** Any authenticated principal: a user token, an API key or a key token. */
export const Authenticated = () =>
  applyDecorators(
    SetMetadata(ACCESS_RULE, { kind: 'any-principal' } satisfies AccessRule),
    ApiBearerAuth(),
    ApiExtension('x-required-scopes', []),
    ...problemResponses(),
  );

/** Accepted from a key, a key token, or a user whose role grants the scopes. */
export const RequireScopes = (...scopes: Scope[]) =>
  applyDecorators(
    SetMetadata(ACCESS_RULE, { kind: 'scopes', scopes } satisfies AccessRule),
    ApiBearerAuth(),
    ApiExtension('x-required-scopes', scopes),
    ...problemResponses(),
  );

/** Management operations: user tokens only, of the listed roles. */
export const UserRoles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ACCESS_RULE, { kind: 'user', roles } satisfies AccessRule),
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
