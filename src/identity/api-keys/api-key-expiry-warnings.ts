import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UnitOfWork } from '../../platform/database/unit-of-work.js';
import { LOGGER, type AppLogger } from '../../platform/logging/logger.js';
import { Outbox } from '../../platform/operations/ports.js';

const SCAN_INTERVAL_MS = 60_000;
/** Usage buckets are kept a little longer than the longest range the usage endpoint serves. */
const HOURLY_RETENTION = '32 days';
const DAILY_RETENTION = '401 days';

interface ExpiringRow {
  id: string;
  public_id: string;
  company_id: string;
  name: string;
  expires_at: Date;
}

/**
 * `api_key.expiring`, 7 days and 1 day before a key's `expiresAt`, once each: every instance scans each
 * minute, and a warning is claimed by the UPDATE that records it (`expiry_warned_*_for = expires_at`),
 * in the transaction that stores the event, so two instances can never both send it; a changed
 * expiry warns again. The same scan prunes usage buckets past their retention.
 */
@Injectable()
export class ApiKeyExpiryWarnings implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly outbox: Outbox,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.scan().catch((error: unknown) => this.logger.warn({ err: error }, 'API key expiry scan failed'));
    }, SCAN_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Sends the warnings that are due; returns how many. */
  async scan(): Promise<number> {
    const sent = await this.uow.run(async (manager) => {
      let count = 0;
      for (const [notice, column, window, floor] of [
        ['7d', 'expiry_warned_7d_for', '7 days', '1 day'],
        ['1d', 'expiry_warned_1d_for', '1 day', '0 seconds'],
      ] as const) {
        const [rows] = await manager.query<[ExpiringRow[], number]>(
          `UPDATE api_keys SET ${column} = expires_at
            WHERE revoked_at IS NULL AND expires_at > now() + interval '${floor}' AND expires_at <= now() + interval '${window}'
              AND ${column} IS DISTINCT FROM expires_at
           RETURNING id, public_id, company_id, name, expires_at`,
        );
        for (const row of rows) {
          await this.outbox.record(row.company_id, 'api_key.expiring', {
            id: row.id, publicId: row.public_id, name: row.name, expiresAt: row.expires_at.toISOString(), notice,
          });
        }
        count += rows.length;
      }
      return count;
    });
    await this.uow.manager.query(`DELETE FROM api_key_usage_hourly WHERE bucket_start < now() - interval '${HOURLY_RETENTION}'`);
    await this.uow.manager.query(`DELETE FROM api_key_usage_daily WHERE bucket_start < now() - interval '${DAILY_RETENTION}'`);
    return sent;
  }
}
