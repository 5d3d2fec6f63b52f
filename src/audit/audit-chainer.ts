import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { CHAIN_BATCH } from '../platform/database/migrations/1764103500000-audit-chained-after-commit.js';
import { LOGGER, type AppLogger } from '../platform/logging/logger.js';

const CHAIN_SQL = 'SELECT audit_chain_pending($1) AS chained';
const STAGED_COMPANIES_SQL = 'SELECT DISTINCT company_id FROM audit_pending';
const SWEEP_INTERVAL_MS = 30_000;

/**
 * Puts committed staged events into their company's chain (`audit_chain_pending`, migration
 * 1764103500000), many per call. A write asks for it once it has committed, and answers once its event is
 * chained. While a call for a company is running, the writes that ask meanwhile share the one call queued
 * after it (it starts after their commits, so it takes their events): one company's writers in an
 * instance wait for at most two calls, and send one each turn. Several instances take turns on the
 * company's chain head in the database.
 *
 * An event stays staged, durable, if its write's instance stops before chaining it, or if chaining fails
 * (the write has committed: it still succeeds). The next write of the company chains it; every instance
 * also sweeps at start and every 30 s.
 */
@Injectable()
export class AuditChainer implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Per company, the call that has not started yet: a write that asks now joins it. */
  private readonly queued = new Map<string, Promise<void>>();
  /** Per company, the newest call, started or queued: the next one starts after it. */
  private readonly newest = new Map<string, Promise<void>>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly uow: UnitOfWork,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  onApplicationBootstrap(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Chains the company's committed staged events, those of every write that committed before the call. */
  chain(companyId: string): Promise<void> {
    const queued = this.queued.get(companyId);
    if (queued) return queued;
    const call = (this.newest.get(companyId) ?? Promise.resolve()).then(() => {
      this.queued.delete(companyId);
      return this.chainAll(companyId);
    });
    this.queued.set(companyId, call);
    this.newest.set(companyId, call);
    void call.then(() => {
      if (this.newest.get(companyId) === call) this.newest.delete(companyId);
    });
    return call;
  }

  /** Chains what every company has staged (events an instance left behind); answers how many companies had some. */
  async sweep(): Promise<number> {
    try {
      const companies = await this.uow.queryPrepared<{ company_id: string }>('audit_staged_companies', STAGED_COMPANIES_SQL, []);
      for (const { company_id } of companies) await this.chain(company_id);
      return companies.length;
    } catch (error) {
      this.logger.warn({ err: error }, 'audit chain sweep failed');
      return 0;
    }
  }

  private async chainAll(companyId: string): Promise<void> {
    try {
      let chained: number;
      do {
        const [row] = await this.uow.queryPrepared<{ chained: number }>('audit_chain_pending', CHAIN_SQL, [companyId]);
        chained = row.chained;
      } while (chained === CHAIN_BATCH);
    } catch (error) {
      this.logger.warn({ err: error, companyId }, 'audit chaining failed: the events stay staged for the next write or sweep');
    }
  }
}
