import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { DomainError } from '../../platform/http/domain-error.js';
import { ReadAheads } from '../../platform/http/read-ahead.js';
import { statusOfError } from '../../platform/http/problem-details.filter.js';
import { callInfoOf, type OperationActor, OperationContext, routeResourceIdOf } from '../../platform/operations/operation.js';
import { OperationSpecs } from '../../platform/operations/operation-specs.js';
import { AuditSink } from '../../platform/operations/ports.js';
import { type Principal, RefusedCredential, rememberRefusedCaller } from '../principal.js';
import type { Scope } from '../scopes/scope-catalogue.js';
import { ACCESS_RULE, type AccessRule, type AuthenticatedRequest } from './access.decorators.js';
import { AuthenticationService } from './authentication.service.js';
import { type RateLimitDecision, RateLimitStore, type SpentPoint } from './rate-limit.store.js';
import { Throttles } from './throttles.js';

/** `Authorization: Bearer …` carries user JWTs, API keys and key JWTs alike; an API key may also come as `ApiKey vk_…` (VinLink's form). */
const CREDENTIAL_SCHEMES = /^(?:Bearer +(\S+)|ApiKey +(vk_\S+)) *$/i;

/**
 * The credential of a request: from the Authorization header only, never from the URL or the body
 * (a token in a query string ends up in access logs and browser history).
 */
export function credentialOf(authorization: string | undefined): string | undefined {
  const match = authorization === undefined ? null : CREDENTIAL_SCHEMES.exec(authorization);
  return match ? (match[1] ?? match[2]) : undefined;
}

/**
 * The one guard of every route: the address's failure throttle, beside the credential → principal
 * lookup (AuthenticationService), the route's read-ahead (ReadAheads) and the per-principal rate limit,
 * all started together → the route's access rule. A refusal of an @Audited operation by a known caller is
 * written to the audit log before it is answered.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  private readonly rules = new WeakMap<object, AccessRule>();

  constructor(
    private readonly reflector: Reflector,
    private readonly authentication: AuthenticationService,
    private readonly limits: RateLimitStore,
    private readonly specs: OperationSpecs,
    private readonly audit: AuditSink,
    private readonly throttles: Throttles,
    private readonly readAheads: ReadAheads,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.ruleOf(context);
    if (rule.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const presented = request.headers.authorization !== undefined;
    try {
      // an address over its failure budget is refused first, whatever it presents; one this instance
      // already knows of is refused before anything is read
      const throttled = presented ? this.throttles.refuseIfExhausted('bearerFailuresPerIp', request.ip) : undefined;
      const admission = this.admit(request);
      admission.catch(() => undefined); // awaited below, after the throttle
      if (throttled) {
        await throttled.catch((error: unknown) => {
          void admission.then(({ spent }) => spent.refund(), () => undefined);
          throw error;
        });
      }
      const { principal, spent } = await admission;
      request.user = principal;
      this.applyRateLimit(spent, context.switchToHttp().getResponse<FastifyReply>());
      return enforce(rule, principal);
    } catch (error) {
      if (error instanceof RefusedCredential) rememberRefusedCaller(request, error.caller);
      if (presented && !request.user && isFailedCredential(error)) await this.throttles.recordFailure('bearerFailuresPerIp', request.ip);
      await this.recordRefusal(context, error);
      throw error;
    }
  }

  /**
   * The credential's checks, side by side: the route's read-ahead, the principal's lookup and a point
   * of the budget the credential names. A credential that does not stand gets the point back, so a
   * guess at someone's key spends nothing of theirs.
   */
  private async admit(request: AuthenticatedRequest): Promise<{ principal: Principal; spent: SpentPoint }> {
    const credential = credentialOf(request.headers.authorization);
    if (credential === undefined) {
      throw new DomainError('unauthenticated', 'This operation requires a bearer token.', {}, { 'WWW-Authenticate': 'Bearer' });
    }
    const presented = this.authentication.present(credential, request.ip);
    this.readAheads.start(request);
    const [principal, spent] = await Promise.allSettled([presented.lookUp(), this.limits.consume(presented.budget)]);
    if (principal.status === 'rejected') {
      if (spent.status === 'fulfilled') await spent.value.refund();
      throw principal.reason;
    }
    if (spent.status === 'rejected') throw spent.reason;
    return { principal: principal.value, spent: spent.value };
  }

  /** The handler's access rule, read once. A route with no rule is refused: every operation must say what it needs. */
  private ruleOf(context: ExecutionContext): AccessRule {
    const handler = context.getHandler();
    let rule = this.rules.get(handler);
    if (!rule) {
      rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [handler, context.getClass()]);
      if (!rule) throw new DomainError('internal_error', 'Operation has no access rule.');
      this.rules.set(handler, rule);
    }
    return rule;
  }

  /** Every authenticated response carries RateLimit-* headers (refusals included); over the limit → 429. */
  private applyRateLimit(decision: RateLimitDecision, reply: FastifyReply): void {
    void reply.headers({
      'RateLimit-Limit': String(decision.limit),
      'RateLimit-Remaining': String(decision.remaining),
      'RateLimit-Reset': String(decision.resetSeconds),
    });
    if (decision.allowed) return;
    throw new DomainError('rate_limited', `Rate limit of ${decision.limit} requests a minute exceeded; retry in ${decision.resetSeconds} s.`, {}, {
      'Retry-After': String(decision.resetSeconds),
    });
  }

  private async recordRefusal(context: ExecutionContext, error: unknown): Promise<void> {
    const { action, successStatus } = this.specs.of(context);
    if (!action) return;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const caller: OperationActor | undefined = request.user ?? (error instanceof RefusedCredential ? error.caller : undefined);
    if (!caller) return;
    const operation = new OperationContext(caller, action, callInfoOf(request), routeResourceIdOf(request), successStatus);
    operation.status = statusOfError(error);
    await this.audit.recordRefusal(operation);
  }
}

/** A credential that was presented and did not authenticate (a guess, a stale token): counted per address. */
function isFailedCredential(error: unknown): boolean {
  return error instanceof DomainError && error.status === 401;
}

function enforce(rule: AccessRule, principal: Principal): true {
  switch (rule.kind) {
    case 'public':
    case 'any-principal':
      return true;
    case 'user':
      return checkUserRole(principal, rule.roles);
    case 'scopes':
      return checkScopes(principal, rule.scopes);
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
