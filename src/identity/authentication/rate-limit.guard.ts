import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from '../../platform/http/domain-error.js';
import type { AuthenticatedRequest } from './access.decorators.js';
import type { Principal } from '../principal.js';
import { RateLimitStore } from './rate-limit.store.js';

/** A key and the tokens exchanged for it share one budget; each user has their own. */
export function rateLimitKey(principal: Principal): string {
  return principal.apiKeyId ? `key:${principal.apiKeyId}` : `user:${principal.userId}`;
}

/**
 * Runs after authentication: every authenticated response carries RateLimit-* headers (refusals
 * included); over the limit → 429 `rate_limited` with Retry-After.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(private readonly store: RateLimitStore) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const principal = http.getRequest<AuthenticatedRequest>().user;
    if (!principal) return true;
    const decision = await this.store.consume(rateLimitKey(principal));
    void http.getResponse<FastifyReply>().headers({
      'RateLimit-Limit': String(decision.limit),
      'RateLimit-Remaining': String(decision.remaining),
      'RateLimit-Reset': String(decision.resetSeconds),
    });
    if (decision.allowed) return true;
    throw new DomainError('rate_limited', `Rate limit of ${decision.limit} requests a minute exceeded; retry in ${decision.resetSeconds} s.`, {}, {
      'Retry-After': String(decision.resetSeconds),
    });
  }
}
