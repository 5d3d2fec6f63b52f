import { Injectable } from '@nestjs/common';
import type { Page, PageQuery } from '../platform/http/pagination/page-query.dto.js';
import { TenantRepository } from '../platform/database/tenant-repository.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { type CreditResource, CreditLedgerEntry, type LedgerActor, type LedgerReason } from './credit-ledger-entry.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type LedgerDraft = Pick<CreditLedgerEntry, 'delta' | 'balanceAfter' | 'reason' | 'actor' | 'apiKeyId' | 'paymentReference'> &
  Partial<Pick<CreditLedgerEntry, 'resourceType' | 'resourceId'>>;

/** A debit's ledger row: its reason is the resource the credits were spent on. */
export interface DebitDraft {
  resource: CreditResource;
  resourceId: string | null;
  actor: LedgerActor;
  apiKeyId: string | null;
}

/**
 * The debit and its ledger row, one statement (migration 1764103600000). Taken at once it answers NULLs
 * when the balance is short; staged for the COMMIT it refuses instead, with a DEBIT_REFUSED SQLSTATE.
 */
const DEBIT_SQL = `SELECT balance, threshold AS "lowBalanceThreshold" FROM credit_debit($1, $2, $3, $4, $5::jsonb, $6, false)`;
const STAGED_DEBIT_SQL = `SELECT credit_debit($1, $2, $3, $4, $5::jsonb, $6, true)`;

/** How a COMMIT refuses a staged debit (SQLSTATEs of migration 1764103600000). */
export const DEBIT_REFUSED = { balanceShort: 'FG402', crossesLowBalance: 'FG201' } as const;

/** The only way into the `credit_ledger` table: one row per change of a company's balance. */
@Injectable()
export class CreditLedgerRepository extends TenantRepository<CreditLedgerEntry> {
  constructor(uow: UnitOfWork) {
    super(uow, CreditLedgerEntry, 'Ledger entry', 'entry');
  }

  /**
   * Newest first, optionally by reason and by actor: a UUID is the actor's id (a user's, or a key's),
   * anything else a key's publicId, as in the audit log. Both are indexed per company.
   */
  override listForCompany(companyId: string, query: PageQuery & { reason?: LedgerReason; actor?: string }): Promise<Page<CreditLedgerEntry>> {
    return this.pageForCompany(companyId, query, (builder) => {
      if (query.reason !== undefined) builder.andWhere('entry.reason = :reason', { reason: query.reason });
      if (query.actor !== undefined) {
        const field = UUID.test(query.actor) ? 'id' : 'publicId';
        builder.andWhere(`entry.actor->>'${field}' = :actor`, { actor: query.actor.toLowerCase() });
      }
    });
  }

  /** Appends one row through the current transaction. */
  append(companyId: string, entry: LedgerDraft): Promise<CreditLedgerEntry> {
    return this.save(this.create({ resourceType: null, resourceId: null, ...entry, companyId }));
  }

  /**
   * Spends `credits` of the company's balance and appends the debit's row (the company's only write
   * outside the identity directory), in one round trip: the row's id is made by the database once the
   * company row is locked, so ids follow the order of the debits and the newest row carries the
   * balance. The new balance, or null when it is short.
   */
  async debit(companyId: string, credits: number, draft: DebitDraft): Promise<{ balance: number; lowBalanceThreshold: number } | null> {
    const [row] = await this.uow.queryPrepared<{ balance: number | null; lowBalanceThreshold: number }>('credit_debit', DEBIT_SQL, debitValues(companyId, credits, draft));
    return row.balance === null ? null : { balance: row.balance, lowBalanceThreshold: row.lowBalanceThreshold };
  }

  /**
   * Stages the debit for the transaction's COMMIT, to be sent just before it in its round trip: the
   * company row is locked only from there to the end of the COMMIT. The COMMIT fails with a
   * DEBIT_REFUSED SQLSTATE when the balance is short or the debit would cross the low-balance threshold.
   */
  async stageDebit(companyId: string, credits: number, draft: DebitDraft): Promise<void> {
    await this.uow.stageForCommit('credit_debit_staged', STAGED_DEBIT_SQL, debitValues(companyId, credits, draft));
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

function debitValues(companyId: string, credits: number, draft: DebitDraft): unknown[] {
  return [companyId, credits, draft.resource, draft.resourceId, JSON.stringify(draft.actor), draft.apiKeyId];
}
