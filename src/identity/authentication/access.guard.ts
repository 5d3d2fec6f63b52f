import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { DomainError } from '../../platform/http/domain-error.js';
import type { Scope } from '../scopes/scope-catalogue.js';
import { ACCESS_RULE, type AccessRule, type AuthenticatedRequest } from './access.decorators.js';
import { BEARER_STRATEGY_NAME } from './bearer.strategy.js';
import type { Principal } from '../principal.js';

export function accessRuleOf(reflector: Reflector, context: ExecutionContext): AccessRule | undefined {
  return reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [context.getHandler(), context.getClass()]);
}

/** Authenticates every route that is not @Public, through this app's bearer strategy. */
@Injectable()
export class BearerAuthGuard extends AuthGuard() {
  constructor(
    private readonly reflector: Reflector,
    @Inject(BEARER_STRATEGY_NAME) strategyName: string,
  ) {
    super({ defaultStrategy: strategyName });
  }

  override canActivate(context: ExecutionContext) {
    const rule = accessRuleOf(this.reflector, context);
    if (rule?.kind === 'public') return true;
    return super.canActivate(context);
  }

  override handleRequest<T>(error: unknown, principal: T | false): T {
    if (error instanceof Error) throw error;
    if (!principal) throw new DomainError('unauthenticated', 'This operation requires a bearer token.', {}, { 'WWW-Authenticate': 'Bearer' });
    return principal;
  }
}

/**
 * Enforces the operation's access rule on the authenticated principal. A route with no rule is
 * refused: every operation must say what it needs.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const rule = accessRuleOf(this.reflector, context);
    if (rule?.kind === 'public') return true;
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
    if (!rule || !principal) throw new DomainError('internal_error', 'Operation has no access rule.');
    switch (rule.kind) {
      case 'any-principal':
        return true;
      case 'user':
        return checkUserRole(principal, rule.roles);
      case 'scopes':
        return checkScopes(principal, rule.scopes);
    }
  }
}

function checkUserRole(principal: Principal, roles: readonly string[]): true {
  if (principal.type !== 'user') {
    throw new DomainError('user_token_required', 'This management operation requires a user access token, not an API key.');
  }
  if (!roles.includes(principal.role)) {
    throw new DomainError('role_forbidden', `Your role (${principal.role}) does not allow this operation.`, { allowedRoles: roles });
  }
  return true;
}

function checkScopes(principal: Principal, required: readonly Scope[]): true {
  const missing = required.filter((scope) => !principal.scopes.has(scope));
  if (missing.length === 0) return true;
  const extensions = { requiredScopes: required, grantedScopes: [...principal.scopes].sort() };
  if (principal.type === 'user') {
    throw new DomainError('role_forbidden', `Your role (${principal.role}) does not allow ${missing.join(', ')}.`, extensions);
  }
  throw new DomainError('insufficient_scope', `This operation requires ${missing.join(', ')}.`, extensions, {
    'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${required.join(' ')}"`,
  });
}
