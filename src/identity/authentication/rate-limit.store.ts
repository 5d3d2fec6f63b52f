import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppConfig } from '../../platform/config/app-config.js';
import { LOGGER, type AppLogger } from '../../platform/logging/logger.js';

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

const WINDOW_SECONDS = 60;
const KEY_PREFIX = 'fleetgate:rl';

/**
 * Fixed one-minute windows per principal. In memory by default; with REDIS_URL a Redis store so the
 * limit holds across instances (with an in-memory insurance limiter if Redis fails, so an outage of
 * the limiter's store never takes the API down).
 */
@Injectable()
export class RateLimitStore implements OnModuleInit, OnApplicationShutdown {
  private readonly redis?: Redis;
  private readonly limiter: RateLimiterAbstract;
  readonly limit: number;

  constructor(
    @Inject(AppConfig) config: AppConfig,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {
    this.limit = config.RATE_LIMIT_PER_MINUTE;
    const options = { points: this.limit, duration: WINDOW_SECONDS, keyPrefix: KEY_PREFIX };
    if (config.REDIS_URL) {
      this.redis = new Redis(config.REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      this.redis.on('error', (error: Error) => this.logger.warn({ err: error }, 'rate-limit store (Redis) error'));
      this.limiter = new RateLimiterRedis({
        ...options,
        storeClient: this.redis,
        insuranceLimiter: new RateLimiterMemory(options),
      });
    } else {
      this.limiter = new RateLimiterMemory(options);
    }
  }

  /** A Redis that is down at start does not stop the app: the insurance limiter counts until it is back. */
  async onModuleInit(): Promise<void> {
    await this.redis?.connect().catch((error: unknown) => this.logger.warn({ err: error }, 'rate-limit store (Redis) unavailable at start'));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis && this.redis.status !== 'end') await this.redis.quit().catch(() => undefined);
  }

  async consume(principalKey: string): Promise<RateLimitDecision> {
    try {
      return this.decision(true, await this.limiter.consume(principalKey));
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return this.decision(false, rejection);
      throw rejection;
    }
  }

  private decision(allowed: boolean, result: RateLimiterRes): RateLimitDecision {
    return {
      allowed,
      limit: this.limit,
      remaining: Math.max(0, result.remainingPoints),
      resetSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)),
    };
  }
}
