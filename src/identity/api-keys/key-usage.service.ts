import { Injectable } from '@nestjs/common';
import { invalid } from '../../platform/http/validation.pipe.js';
import type { Principal } from '../principal.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { KeyUsageRepository } from './key-usage.repository.js';
import type { KeyUsageBucket, KeyUsageQuery, KeyUsageResponse, UsageGranularity } from './dto/api-key.dto.js';

const BUCKET_MS: Record<UsageGranularity, number> = { hour: 3_600_000, day: 86_400_000 };
const DEFAULT_SPAN_MS: Record<UsageGranularity, number> = { hour: 86_400_000, day: 30 * 86_400_000 };
const MAX_SPAN_MS: Record<UsageGranularity, number> = { hour: 31 * 86_400_000, day: 400 * 86_400_000 };

/** A key's usage in UTC hourly or daily buckets, oldest first, empty buckets included. */
@Injectable()
export class KeyUsageService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly usageBuckets: KeyUsageRepository,
  ) {}

  async usage(principal: Principal, publicId: string, query: KeyUsageQuery): Promise<KeyUsageResponse> {
    const { granularity } = query;
    const size = BUCKET_MS[granularity];
    const to = query.to ? new Date(query.to).getTime() : Date.now();
    const from = query.from ? new Date(query.from).getTime() : to - DEFAULT_SPAN_MS[granularity];
    if (from >= to) throw invalid([{ field: 'from', message: 'must be before to' }]);
    if (to - from > MAX_SPAN_MS[granularity]) {
      throw invalid([{ field: 'from', message: `at most ${granularity === 'hour' ? '31 days by hour' : '400 days by day'}` }]);
    }
    const key = await this.keys.getForCompany(principal.companyId, publicId);
    const first = from - (from % size);
    const rows = await this.usageBuckets.bucketsOf(principal.companyId, key.id, granularity, new Date(first), new Date(to));
    const byStart = new Map(rows.map((row) => [row.bucket_start.getTime(), row]));
    const data: KeyUsageBucket[] = [];
    for (let start = first; start < to; start += size) {
      const row = byStart.get(start);
      data.push({
        start: new Date(start).toISOString(),
        requests: row?.requests ?? 0,
        succeeded: row?.succeeded ?? 0,
        denied: row?.denied ?? 0,
        failed: row?.failed ?? 0,
        creditsSpent: row?.credits_spent ?? 0,
      });
    }
    return { publicId: key.publicId, granularity, data };
  }
}
