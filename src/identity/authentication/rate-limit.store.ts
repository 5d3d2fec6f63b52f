import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppConfig } from '../../platform/config/app-config.js';
import { LOGGER, type AppLogger } from '../../platform/logging/logger.js';
import { LimitsRedis } from './limits-redis.js';

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/** A point spent: the decision, and the way to give the point back. */
export interface SpentPoint extends RateLimitDecision {
  refund(): Promise<void>;
}

/** Where the counts live now: `shared` (Redis), `local` (no shared store configured), `local-fallback` (Redis failed or stalled). */
export type RateLimitStoreState = 'shared' | 'local' | 'local-fallback';

const WINDOW_SECONDS = 60;
const KEY_PREFIX = 'fleetgate:rl';
/** While Redis is failing, one call in this many milliseconds tries it again (the rest count locally at once). */
const PROBE_INTERVAL_MS = 1_000;

/**
 * Fixed one-minute windows per principal. In memory by default; with REDIS_URL a Redis store so the
 * limit holds across instances. The shared store may never stall a request (contract §4 rate
 * limits): each of its commands is bounded by RATE_LIMIT_STORE_TIMEOUT_MS (LimitsRedis's command
 * timeout); past that, or on an error, the instance counts in its local limiter, logs it once per
 * episode, reports `local-fallback` in /v1/health/ready, and tries Redis again at most once a second
 * until it answers in time.
 */
@Injectable()
export class RateLimitStore implements OnModuleInit {
  private readonly shared?: RateLimiterAbstract;
  private readonly local: RateLimiterAbstract;
  private failingSince?: number;
  private lastProbe = 0;
  readonly limit: number;

  constructor(
    @Inject(AppConfig) config: AppConfig,
    @Inject(LOGGER) private readonly logger: AppLogger,
    private readonly redis: LimitsRedis,
  ) {
    this.limit = config.RATE_LIMIT_PER_MINUTE;
    const options = { points: this.limit, duration: WINDOW_SECONDS, keyPrefix: KEY_PREFIX };
    this.local = new RateLimiterMemory(options);
    if (redis.client) this.shared = new RateLimiterRedis({ ...options, storeClient: redis.client });
  }

  /** A Redis that is down at start does not stop the app: the local limiter counts until it is back. */
  async onModuleInit(): Promise<void> {
    await this.redis.connect().catch((error: unknown) => this.fallBack(error));
  }

  get state(): RateLimitStoreState {
    if (!this.shared) return 'local';
    return this.failingSince === undefined ? 'shared' : 'local-fallback';
  }

  /**
   * Spends one point of `budget`. The answer can give the point back (`refund`) to the store that
   * counted it, for a request spent on before it was known to be the budget's owner's.
   */
  async consume(budget: string): Promise<SpentPoint> {
    const limiter = this.shared && this.shouldTryShared() ? this.shared : undefined;
    if (limiter) {
      try {
        const result = await limiter.consume(budget);
        this.recovered();
        return this.spent(true, result, limiter, budget);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          this.recovered();
          return this.spent(false, rejection, limiter, budget);
        }
        this.fallBack(rejection);
      }
    }
    try {
      return this.spent(true, await this.local.consume(budget), this.local, budget);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return this.spent(false, rejection, this.local, budget);
      throw rejection;
    }
  }

  private shouldTryShared(): boolean {
    if (this.failingSince === undefined) return true;
    const now = Date.now();
    if (now - this.lastProbe < PROBE_INTERVAL_MS) return false;
    this.lastProbe = now;
    return true;
  }

  private fallBack(error: unknown): void {
    if (this.failingSince !== undefined) return;
    this.failingSince = Date.now();
    this.lastProbe = this.failingSince;
    this.logger.warn(
      { reason: error instanceof Error ? error.message : String(error) },
      'rate-limit store (Redis) unavailable: counting locally on this instance until it answers again',
    );
  }

  private recovered(): void {
    if (this.failingSince === undefined) return;
    this.logger.info({ fallbackMs: Date.now() - this.failingSince }, 'rate-limit store (Redis) answering again: limits are shared across instances');
    this.failingSince = undefined;
  }

  private spent(allowed: boolean, result: RateLimiterRes, limiter: RateLimiterAbstract, budget: string): SpentPoint {
    return {
      allowed,
      limit: this.limit,
      remaining: Math.max(0, result.remainingPoints),
      resetSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)),
      // bounded like the spending (the command timeout); a refund that fails leaves the point spent
      // (the budget errs on the strict side)
      refund: () =>
        limiter.reward(budget, 1).then(
          () => undefined,
          () => undefined,
        ),
    };
  }
}
