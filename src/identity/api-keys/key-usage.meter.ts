import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { poolOf, withPooledConnection } from '../../platform/database/pool.js';
import { DataSource } from 'typeorm';
import { LOGGER, type AppLogger } from '../../platform/logging/logger.js';
import { creditsSpentOf } from '../../platform/operations/operation.js';
import type { OperationActor } from '../../platform/operations/operation.js';
import { refusedCallerOf } from '../principal.js';

/** How often this instance writes what it counted; contract: counts may lag by up to 60 s. */
export const USAGE_FLUSH_INTERVAL_MS = 10_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

interface Counts {
  companyId: string;
  apiKeyId: string;
  minute: number;
  requests: number;
  succeeded: number;
  denied: number;
  failed: number;
  creditsSpent: number;
}

export type UsageOutcome = 'succeeded' | 'denied' | 'failed' | 'other';

/** 2xx/3xx succeeded; 401/402/403/429 of an identified key denied; 5xx failed; other 4xx only count as requests. */
export function usageOutcomeOf(status: number): UsageOutcome {
  if (status < 400) return 'succeeded';
  if (status >= 500) return 'failed';
  return [401, 402, 403, 429].includes(status) ? 'denied' : 'other';
}

const UPSERT = (table: string) => `
  INSERT INTO ${table} AS usage (api_key_id, bucket_start, company_id, requests, succeeded, denied, failed, credits_spent)
  SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[])
  ON CONFLICT (api_key_id, bucket_start) DO UPDATE SET
    requests = usage.requests + EXCLUDED.requests, succeeded = usage.succeeded + EXCLUDED.succeeded,
    denied = usage.denied + EXCLUDED.denied, failed = usage.failed + EXCLUDED.failed,
    credits_spent = usage.credits_spent + EXCLUDED.credits_spent`;

/**
 * Per-key usage without a database write per request: every response of a key (or its tokens) is
 * counted in memory, per key per minute; every 10 s (and at shutdown) the minutes are added into the
 * hourly and daily buckets with one upsert per table. Instances add up, never overwrite.
 */
@Injectable()
export class KeyUsageMeter implements OnModuleInit, BeforeApplicationShutdown {
  private pending = new Map<string, Counts>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', (request, reply, done) => {
      this.countResponse(request, reply);
      done();
    });
    this.timer = setInterval(() => void this.flush(), USAGE_FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** The outcome of a request, once known: the caller is a key if the guard admitted or identified one. */
  private countResponse(request: FastifyRequest, reply: FastifyReply): void {
    const caller = (request as FastifyRequest & { user?: OperationActor }).user ?? refusedCallerOf(request);
    if (!caller?.apiKeyId) return;
    this.count(caller, reply.statusCode, creditsSpentOf(request));
  }

  count(caller: OperationActor, status: number, creditsSpent = 0, at = Date.now()): void {
    const minute = at - (at % 60_000);
    const id = `${caller.apiKeyId}|${minute}`;
    let counts = this.pending.get(id);
    if (!counts) {
      counts = { companyId: caller.companyId, apiKeyId: caller.apiKeyId!, minute, requests: 0, succeeded: 0, denied: 0, failed: 0, creditsSpent: 0 };
      this.pending.set(id, counts);
    }
    counts.requests += 1;
    const outcome = usageOutcomeOf(status);
    if (outcome !== 'other') counts[outcome] += 1;
    if (outcome === 'succeeded') counts.creditsSpent += creditsSpent;
  }

  private merge(id: string, counts: Counts): void {
    const current = this.pending.get(id);
    if (!current) {
      this.pending.set(id, counts);
      return;
    }
    current.requests += counts.requests;
    current.succeeded += counts.succeeded;
    current.denied += counts.denied;
    current.failed += counts.failed;
    current.creditsSpent += counts.creditsSpent;
  }

  /** Writes what was counted so far; one flush at a time; on failure the counts are kept for the next one. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      // both tables in one transaction of the pool's own (never a request's): all or nothing
      await withPooledConnection(poolOf(this.dataSource), async (client) => {
        try {
          await client.query('BEGIN');
          for (const [table, size] of [['api_key_usage_hourly', HOUR_MS], ['api_key_usage_daily', DAY_MS]] as const) {
            await client.query(UPSERT(table), columnsOf(rollUp(batch.values(), size)));
          }
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      for (const [id, counts] of batch) this.merge(id, counts);
      this.logger.warn({ err: error, buckets: batch.size }, 'could not record API key usage; will retry');
    }
  }
}

/** Minutes added up into buckets of `size` ms (UTC), per key. */
function rollUp(minutes: Iterable<Counts>, size: number): Counts[] {
  const buckets = new Map<string, Counts>();
  for (const counts of minutes) {
    const start = counts.minute - (counts.minute % size);
    const id = `${counts.apiKeyId}|${start}`;
    const bucket = buckets.get(id);
    if (!bucket) {
      buckets.set(id, { ...counts, minute: start });
      continue;
    }
    bucket.requests += counts.requests;
    bucket.succeeded += counts.succeeded;
    bucket.denied += counts.denied;
    bucket.failed += counts.failed;
    bucket.creditsSpent += counts.creditsSpent;
  }
  return [...buckets.values()];
}

function columnsOf(buckets: Counts[]): unknown[] {
  return [
    buckets.map((bucket) => bucket.apiKeyId),
    buckets.map((bucket) => new Date(bucket.minute).toISOString()),
    buckets.map((bucket) => bucket.companyId),
    buckets.map((bucket) => bucket.requests),
    buckets.map((bucket) => bucket.succeeded),
    buckets.map((bucket) => bucket.denied),
    buckets.map((bucket) => bucket.failed),
    buckets.map((bucket) => bucket.creditsSpent),
  ];
}
