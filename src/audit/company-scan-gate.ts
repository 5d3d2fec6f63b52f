import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { DomainError } from '../platform/http/domain-error.js';
import { LOGGER, type AppLogger } from '../platform/logging/logger.js';

/** How long a scan's lease lasts without renewal: a dead instance's scan holds its company at most this long. */
const LEASE_MS = 30_000;
const RENEW_EVERY_MS = 10_000;

/**
 * One full-log scan (export or verify) per company at a time across every instance on the database: a
 * second one while the first runs, here or on another instance, is answered 429 with Retry-After, so one
 * company cannot multiply its scans and crowd out everyone else's requests. The slot is a row in
 * `company_scan_leases` renewed while the scan runs (an instance that dies frees it within LEASE_MS).
 */
@Injectable()
export class CompanyScanGate {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  /**
   * Takes the company's slot or refuses with 429. The returned function frees it (once, however often
   * it is called), its promise settling when the slot is free: a scan awaits it before its response
   * ends, so a client that starts the next scan as soon as one ends is not refused.
   */
  async enter(companyId: string): Promise<() => Promise<void>> {
    const holder = randomUUID();
    const taken = await this.uow.manager.query<unknown[]>(
      `INSERT INTO company_scan_leases (company_id, holder, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
       ON CONFLICT (company_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE company_scan_leases.expires_at < now()
       RETURNING holder`,
      [companyId, holder, LEASE_MS],
    );
    if (taken.length === 0) {
      throw new DomainError('rate_limited', 'An export or verification of this audit log is already running; retry when it has finished.', {}, { 'Retry-After': '5' });
    }
    const renewal = setInterval(() => {
      this.uow.manager
        .query(`UPDATE company_scan_leases SET expires_at = now() + $3 * interval '1 millisecond' WHERE company_id = $1 AND holder = $2`, [companyId, holder, LEASE_MS])
        .catch((error: unknown) => this.logger.warn({ err: error, companyId }, 'renewing a scan lease failed'));
    }, RENEW_EVERY_MS);
    renewal.unref();
    let released: Promise<void> | undefined;
    return () => {
      if (!released) {
        clearInterval(renewal);
        released = this.uow.manager
          .query(`DELETE FROM company_scan_leases WHERE company_id = $1 AND holder = $2`, [companyId, holder])
          .then(
            () => undefined,
            (error: unknown) => this.logger.warn({ err: error, companyId }, 'releasing a scan lease failed; it expires by itself'),
          );
      }
      return released;
    };
  }

  async run<T>(companyId: string, work: () => Promise<T>): Promise<T> {
    const leave = await this.enter(companyId);
    try {
      return await work();
    } finally {
      await leave();
    }
  }
}
