import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  type OnModuleInit,
  SetMetadata,
  UseInterceptors,
  applyDecorators,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { catchError, from, type Observable, switchMap, throwError } from 'rxjs';
import { AppConfig } from '../../platform/config/app-config.js';
import { DomainError } from '../../platform/http/domain-error.js';
import type { HostileBodyCounter } from '../../platform/http/hostile-body-tarpit.js';
import { LOGGER, type AppLogger } from '../../platform/logging/logger.js';
import { LimitsRedis } from './limits-redis.js';

/**
 * The throttles of public endpoints (contract §2), counted before any principal exists. Each is a
 * fixed window per e-mail or per client address, kept in the same kind of store as the per-principal
 * limits: Redis when REDIS_URL is set (so every instance sees one count), with an in-memory insurance
 * limiter when Redis fails; in memory otherwise.
 */
type ThrottleName = 'loginFailuresPerEmail' | 'loginFailuresPerIp' | 'signupsPerIp' | 'refreshesPerIp' | 'bearerFailuresPerIp' | 'hostileBodiesPerIp';

/** Which throttle a public route is under; read by PublicThrottleInterceptor. */
export type PublicThrottle = 'login' | 'signup' | 'refresh';
const PUBLIC_THROTTLE = 'fleetgate:public-throttle';
/** Puts a public route under a throttle: its interceptor is bound to this route alone (resolved at start-up). */
export const Throttled = (throttle: PublicThrottle) =>
  applyDecorators(SetMetadata(PUBLIC_THROTTLE, throttle), UseInterceptors(PublicThrottleInterceptor));

/** At most this many spent windows are remembered (the oldest go first); a forgotten one is asked of the store again. */
const SPENT_WINDOWS_KEPT = 10_000;

@Injectable()
export class Throttles implements OnModuleInit, HostileBodyCounter {
  private readonly limiters: Record<ThrottleName, RateLimiterAbstract>;
  /** With Redis: each throttle's in-memory count, which the Redis limiter falls back on (its insurance). */
  private readonly insurance: Partial<Record<ThrottleName, RateLimiterAbstract>> = {};
  /**
   * Per throttle and key, when the window the store found spent ends: until then it is refused at once,
   * with no call to the store (a fixed window only empties when it ends), so a flood from an address
   * over its budget costs nothing but this lookup.
   */
  private readonly spentUntil = new Map<string, number>();

  constructor(
    @Inject(AppConfig) config: AppConfig,
    @Inject(LOGGER) private readonly logger: AppLogger,
    private readonly redis: LimitsRedis,
  ) {
    const limiter = (name: ThrottleName, points: number, duration: number): RateLimiterAbstract => {
      const options = { points, duration, keyPrefix: `fleetgate:throttle:${name}` };
      if (!redis.client) return new RateLimiterMemory(options);
      const insurance = (this.insurance[name] = new RateLimiterMemory(options));
      return new RateLimiterRedis({ ...options, storeClient: redis.client, insuranceLimiter: insurance });
    };
    this.limiters = {
      loginFailuresPerEmail: limiter('loginFailuresPerEmail', config.LOGIN_FAILURES_PER_EMAIL, 15 * 60),
      loginFailuresPerIp: limiter('loginFailuresPerIp', config.LOGIN_FAILURES_PER_IP_PER_HOUR, 3600),
      signupsPerIp: limiter('signupsPerIp', config.SIGNUP_LIMIT_PER_IP_PER_HOUR, 3600),
      refreshesPerIp: limiter('refreshesPerIp', config.REFRESH_LIMIT_PER_IP_PER_MINUTE, 60),
      bearerFailuresPerIp: limiter('bearerFailuresPerIp', config.BEARER_FAILURES_PER_IP_PER_MINUTE, 60),
      hostileBodiesPerIp: limiter('hostileBodiesPerIp', config.HOSTILE_BODY_REFUSALS_PER_IP_PER_MINUTE, 60),
    };
  }

  async onModuleInit(): Promise<void> {
    await this.redis.connect().catch((error: unknown) => this.logger.warn({ err: error }, 'throttle store (Redis) unavailable at start'));
  }

  /** Counts one event (a request, or a failure) and refuses it with 429 when the window is over its budget. */
  async consume(name: ThrottleName, key: string): Promise<void> {
    try {
      await this.limiters[name].consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw tooMany(rejection);
      this.logger.warn({ err: rejection, throttle: name }, 'throttle store failed; request let through');
    }
  }

  /**
   * Refuses with 429 while the window's budget is already spent (counting nothing): at once, by throwing,
   * when this instance already knows it is; else by the promise, once the store has answered.
   */
  refuseIfExhausted(name: ThrottleName, key: string): Promise<void> {
    this.refuseIfKnownSpent(name, key);
    return this.refuseIfStoreSaysSpent(name, key);
  }

  private async refuseIfStoreSaysSpent(name: ThrottleName, key: string): Promise<void> {
    const limiter = this.limiters[name];
    let state: RateLimiterRes | null;
    try {
      state = await this.stateIfSpent(name, key);
    } catch (error) {
      this.logger.warn({ err: error, throttle: name }, 'throttle store failed; request let through');
      return;
    }
    if (state && state.consumedPoints >= limiter.points) {
      this.rememberSpent(name, key, state.msBeforeNext);
      throw tooMany(state);
    }
  }

  /**
   * The window's state when it may be spent, else null. On Redis, a plain GET of its count first:
   * auto-pipelined, it goes in the same write as the request's other commands, where the limiter's own
   * read (a MULTI of GET and PTTL) is a write of its own; only a spent window is read again, for when it
   * ends. A failing Redis is answered by the count the limiter falls back on.
   */
  private async stateIfSpent(name: ThrottleName, key: string): Promise<RateLimiterRes | null> {
    const limiter = this.limiters[name];
    const client = this.redis.client;
    if (!client) return limiter.get(key);
    let counted: string | null;
    try {
      counted = await client.get(limiter.getKey(key));
    } catch {
      return this.insurance[name]!.get(key);
    }
    return Number(counted ?? 0) >= limiter.points ? limiter.get(key) : null;
  }

  private refuseIfKnownSpent(name: ThrottleName, key: string): void {
    const entry = `${name}:${key}`;
    const until = this.spentUntil.get(entry);
    if (until === undefined) return;
    const msBeforeNext = until - Date.now();
    if (msBeforeNext > 0) throw tooMany({ msBeforeNext });
    this.spentUntil.delete(entry);
  }

  private rememberSpent(name: ThrottleName, key: string, msBeforeNext: number): void {
    if (this.spentUntil.size >= SPENT_WINDOWS_KEPT) this.spentUntil.delete(this.spentUntil.keys().next().value!);
    this.spentUntil.set(`${name}:${key}`, Date.now() + msBeforeNext);
  }

  /**
   * Counts a refusal for a hostile body from an address (the platform's body reader, through its
   * HostileBodyCounter port); true once the address is over its budget, and its refusals are then held.
   * A failing store holds nothing.
   */
  async countHostileBody(address: string): Promise<boolean> {
    try {
      await this.limiters.hostileBodiesPerIp.consume(address);
      return false;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return true;
      this.logger.warn({ err: rejection, throttle: 'hostileBodiesPerIp' }, 'throttle store failed; refusal not held');
      return false;
    }
  }

  /** Counts a failure without refusing the request that failed (it is answered with its own error). */
  async recordFailure(name: ThrottleName, key: string): Promise<void> {
    await this.limiters[name].consume(key).catch(() => undefined);
  }
}

function tooMany(state: Pick<RateLimiterRes, 'msBeforeNext'>): DomainError {
  const retryAfter = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  return new DomainError('rate_limited', `Too many attempts; retry in ${retryAfter} s.`, {}, { 'Retry-After': String(retryAfter) });
}

/** `Email` as the login throttle counts it: the same normalisation as sign-in (trimmed, lower case). */
function loginEmailOf(body: unknown): string | undefined {
  const email = (body as { email?: unknown } | null | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase() : undefined;
}

/**
 * Applies a public route's throttle: sign-ups and refreshes/token exchanges count every request per
 * address; a login is refused while its e-mail or address has used up its failures, whatever the
 * password, and each failed login counts against both.
 */
@Injectable()
export class PublicThrottleInterceptor implements NestInterceptor {
  private readonly throttleOf = new WeakMap<object, PublicThrottle>();

  constructor(
    private readonly reflector: Reflector,
    private readonly throttles: Throttles,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const throttle = this.ruleOf(context);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (throttle !== 'login') {
      const name = throttle === 'signup' ? 'signupsPerIp' : 'refreshesPerIp';
      return from(this.throttles.consume(name, request.ip)).pipe(switchMap(() => next.handle()));
    }
    const email = loginEmailOf(request.body);
    const before = async () => {
      await this.throttles.refuseIfExhausted('loginFailuresPerIp', request.ip);
      if (email) await this.throttles.refuseIfExhausted('loginFailuresPerEmail', email);
    };
    const recordFailure = async () => {
      await this.throttles.recordFailure('loginFailuresPerIp', request.ip);
      if (email) await this.throttles.recordFailure('loginFailuresPerEmail', email);
    };
    return from(before()).pipe(
      switchMap(() => next.handle()),
      catchError((error: unknown) => {
        const failed = error instanceof DomainError && error.code === 'invalid_credentials';
        return from(failed ? recordFailure() : Promise.resolve()).pipe(switchMap(() => throwError(() => error)));
      }),
    );
  }

  /** Bound only by @Throttled, so the handler always names its throttle. */
  private ruleOf(context: ExecutionContext): PublicThrottle {
    const handler = context.getHandler();
    let rule = this.throttleOf.get(handler);
    if (rule === undefined) {
      rule = this.reflector.get<PublicThrottle>(PUBLIC_THROTTLE, handler);
      this.throttleOf.set(handler, rule);
    }
    return rule;
  }
}
