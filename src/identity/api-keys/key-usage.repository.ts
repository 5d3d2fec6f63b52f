import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../platform/database/unit-of-work.js';
import type { UsageGranularity } from './dto/api-key.dto.js';

const TABLE: Record<UsageGranularity, string> = { hour: 'api_key_usage_hourly', day: 'api_key_usage_daily' };
/** Buckets are kept a little longer than the longest range the usage endpoint serves. */
const RETENTION: Record<UsageGranularity, string> = { hour: '32 days', day: '401 days' };

export interface UsageBucketRow {
  bucket_start: Date;
  requests: number;
  succeeded: number;
  denied: number;
  failed: number;
  credits_spent: number;
}

/**
 * Reads the keys' usage buckets (`api_key_usage_hourly` / `_daily`). They are written in batches
 * by KeyUsageMeter, off the request path.
 */
@Injectable()
export class KeyUsageRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /** The key's buckets that start in [from, to); buckets without traffic have no row. */
  bucketsOf(companyId: string, apiKeyId: string, granularity: UsageGranularity, from: Date, to: Date): Promise<UsageBucketRow[]> {
    return this.uow.manager.query<UsageBucketRow[]>(
      `SELECT bucket_start, requests, succeeded, denied, failed, credits_spent FROM ${TABLE[granularity]}
        WHERE company_id = $1 AND api_key_id = $2 AND bucket_start >= $3 AND bucket_start < $4`,
      [companyId, apiKeyId, from, to],
    );
  }

  /** Deletes every company's buckets past their retention. */
  async prune(): Promise<void> {
    for (const granularity of ['hour', 'day'] as const) {
      await this.uow.manager.query(`DELETE FROM ${TABLE[granularity]} WHERE bucket_start < now() - interval '${RETENTION[granularity]}'`);
    }
  }
}
