import { Injectable } from '@nestjs/common';
import { TenantRepository } from '../platform/database/tenant-repository.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { newId } from '../platform/database/uuid-entity.js';
import { type CreditResource, CreditLedgerEntry, type LedgerActor } from './credit-ledger-entry.entity.js';

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
 * The debit and its ledger row in ONE statement. The UPDATE takes the company row (FOR NO KEY UPDATE)
 * only when the balance covers the cost, so the balance never goes below zero under any concurrency;
 * the row records the balance that UPDATE left. No row when the balance is short: nothing changed.
 */
const DEBIT_SQL = `
  WITH debited AS (
    UPDATE companies SET credit_balance = credit_balance - $2
     WHERE id = $1 AND credit_balance >= $2
     RETURNING credit_balance, low_balance_threshold
  ), entry AS (
    INSERT INTO credit_ledger (id, company_id, delta, balance_after, reason, resource_type, resource_id, actor, api_key_id)
    SELECT $3, $1, -$2, credit_balance, $4, $4, $5, $6::jsonb, $7 FROM debited
  )
  SELECT credit_balance AS balance, low_balance_threshold AS "lowBalanceThreshold" FROM debited`;

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

  /**
   * Spends `credits` of the company's balance and appends the debit's row, in one round trip (the
   * company's only write outside the identity directory: the debit and its row must be one statement,
   * so the company row is locked as briefly as possible). The new balance, or null when it is short.
   */
  async debit(companyId: string, credits: number, draft: DebitDraft): Promise<{ balance: number; lowBalanceThreshold: number } | null> {
    const [row] = await this.uow.manager.query<Array<{ balance: number; lowBalanceThreshold: number }>>(DEBIT_SQL, [
      companyId, credits, newId(), draft.resource, draft.resourceId, JSON.stringify(draft.actor), draft.apiKeyId,
    ]);
    return row ?? null;
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
