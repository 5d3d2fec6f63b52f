import { Injectable } from '@nestjs/common';
import { TenantRepository } from '../platform/database/tenant-repository.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { CreditLedgerEntry } from './credit-ledger-entry.entity.js';

export type LedgerDraft = Pick<CreditLedgerEntry, 'delta' | 'balanceAfter' | 'reason' | 'actor' | 'apiKeyId' | 'paymentReference'> &
  Partial<Pick<CreditLedgerEntry, 'resourceType' | 'resourceId'>>;

/** The only way into the `credit_ledger` table: one row per change of a company's balance. */
@Injectable()
export class CreditLedgerRepository extends TenantRepository<CreditLedgerEntry> {
  constructor(uow: UnitOfWork) {
    super(uow, CreditLedgerEntry, 'Ledger entry', 'entry');
  }

  /** Appends one row through the current transaction. */
  append(companyId: string, entry: LedgerDraft): Promise<CreditLedgerEntry> {
    return this.save(this.create({ resourceType: null, resourceId: null, ...entry, companyId }));
  }

  /** Credits the key spent today (UTC). */
  async spentTodayByKey(companyId: string, apiKeyId: string): Promise<number> {
    const [{ spent }] = await this.uow.manager.query<Array<{ spent: number }>>(
      `SELECT coalesce(-sum(delta), 0)::int AS spent FROM credit_ledger
       WHERE company_id = $1 AND api_key_id = $2 AND delta < 0
         AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
      [companyId, apiKeyId],
    );
    return spent;
  }
}
