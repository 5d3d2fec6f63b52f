import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../../platform/config/app-config.js';

/**
 * The one Redis connection of the shared limits (RateLimitStore and Throttles), when REDIS_URL is set.
 * Auto-pipelined: the commands sent in one event-loop turn (a request's failure-throttle check and its
 * budget's point, and those of the requests answered in the same turn) go to Redis in one write. On
 * loopback a write that wakes Redis costs this process more than building the commands does.
 */
@Injectable()
export class LimitsRedis implements OnApplicationShutdown {
  readonly client?: Redis;
  private connecting?: Promise<void>;

  constructor(@Inject(AppConfig) config: AppConfig) {
    if (!config.REDIS_URL) return;
    this.client = new Redis(config.REDIS_URL, {
      lazyConnect: true,
      // a command is refused at once while the connection is down, and never waits longer than a
      // store call may stall a request (the stores fall back to counting locally)
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: config.RATE_LIMIT_STORE_TIMEOUT_MS,
      enableAutoPipelining: true,
    });
    // each store reports a failing Redis its own way (once per episode), not once per failed command
    this.client.on('error', () => undefined);
  }

  /** Connects once, whoever asks first; a Redis that is down at start rejects it (the stores count locally until it is back). */
  connect(): Promise<void> {
    this.connecting ??= this.client ? this.client.connect() : Promise.resolve();
    return this.connecting;
  }

  /** disconnect, not quit: a stalled Redis would never answer QUIT and hold the shutdown. */
  onApplicationShutdown(): void {
    if (this.client && this.client.status !== 'end') this.client.disconnect();
  }
}
