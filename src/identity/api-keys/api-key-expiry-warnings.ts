import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../platform/config/app-config.js';
import { UnitOfWork } from '../../platform/database/unit-of-work.js';
import { LOGGER, type AppLogger } from '../../platform/logging/logger.js';
import { Outbox } from '../../platform/operations/ports.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { KeyUsageRepository } from './key-usage.repository.js';

/**
 * `api_key.expiring`, 7 days and 1 day before a key's `expiresAt`, once each: every instance scans every
 * API_KEY_EXPIRY_SCAN_SECONDS (a minute), and a warning is claimed by the UPDATE that records it
 * (`expiry_warned_*_for = expires_at`), in the transaction that stores the event, so two instances can
 * never both send it; a changed expiry warns again. The same scan prunes usage buckets past their retention.
 */
@Injectable()
export class ApiKeyExpiryWarnings implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly keys: ApiKeysRepository,
    private readonly usageBuckets: KeyUsageRepository,
    private readonly outbox: Outbox,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.API_KEY_EXPIRY_SCAN_SECONDS === 0) return;
    this.timer = setInterval(() => {
      this.scan().catch((error: unknown) => this.logger.warn({ err: error }, 'API key expiry scan failed'));
    }, this.config.API_KEY_EXPIRY_SCAN_SECONDS * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Sends the warnings that are due; returns how many. */
  async scan(): Promise<number> {
    const sent = await this.uow.run(async () => {
      let count = 0;
      for (const notice of ['7d', '1d'] as const) {
        const keys = await this.keys.claimExpiryWarnings(notice);
        for (const key of keys) {
          await this.outbox.record(key.companyId, 'api_key.expiring', {
            id: key.id, publicId: key.publicId, name: key.name, expiresAt: key.expiresAt.toISOString(), notice,
          });
        }
        count += keys.length;
      }
      return count;
    });
    await this.usageBuckets.prune();
    return sent;
  }
}
