import { Injectable } from '@nestjs/common';
import { CompaniesRepository } from '../identity/directory/companies.repository.js';
import { DomainError } from '../platform/http/domain-error.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { type ActorRef, actorRefOf, type CreditCostRule, type OperationActor } from '../platform/operations/operation.js';
import { CreditMeter, type DebitTime, Outbox } from '../platform/operations/ports.js';
import { hasSqlState } from '../platform/database/pg-errors.js';
import { CreditLedgerRepository, DEBIT_REFUSED } from './credit-ledger.repository.js';
import { CreditsService } from './credits.service.js';

/**
 * Spends credits inside the write's transaction. The debit is ONE conditional UPDATE, so the balance
 * cannot go below zero under any concurrency (and the CHECK on the column would refuse it anyway);
 * the company row stays locked until the write commits, which also serialises a key's daily cap.
 * Staged `at-commit`, the UPDATE is the last statement before the COMMIT, in its round trip (migration
 * 1764103600000).
 */
@Injectable()
export class CreditDebitService extends CreditMeter {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly credits: CreditsService,
    private readonly companies: CompaniesRepository,
    private readonly ledger: CreditLedgerRepository,
    private readonly outbox: Outbox,
  ) {
    super();
  }

  async recordWelcome(companyId: string, credits: number, actor: ActorRef): Promise<void> {
    if (credits === 0) return;
    await this.credits.record(companyId, {
      delta: credits,
      balanceAfter: credits,
      reason: 'welcome',
      actor,
      apiKeyId: null,
      paymentReference: null,
    });
  }

  async spend(principal: OperationActor, cost: CreditCostRule, resourceId: string | null, when: DebitTime): Promise<void> {
    if (!this.uow.inTransaction) throw new Error('Credits can only be spent inside the write transaction');
    const { companyId } = principal;
    const { credits, resource } = cost;
    if (principal.apiKeyId && principal.dailyCreditLimit != null) {
      await this.checkKeyDailyLimit(companyId, principal.apiKeyId, principal.dailyCreditLimit, credits);
    }
    const draft = { resource, resourceId, actor: actorRefOf(principal), apiKeyId: principal.apiKeyId ?? null };
    if (when === 'at-commit') return this.ledger.stageDebit(companyId, credits, draft);
    // the company row is locked from here to the commit
    const row = await this.ledger.debit(companyId, credits, draft);
    if (!row) throw await this.insufficient(companyId, credits);
    const { balance } = row;
    const threshold = row.lowBalanceThreshold;
    if (balance < threshold && balance + credits >= threshold) {
      await this.outbox.record(companyId, 'credits.low', { id: companyId, balance, lowBalanceThreshold: threshold });
    }
  }

  async commitRefusal(error: unknown, principal: OperationActor, cost: CreditCostRule): Promise<Error | 'spend-now' | undefined> {
    if (hasSqlState(error, DEBIT_REFUSED.crossesLowBalance)) return 'spend-now';
    if (hasSqlState(error, DEBIT_REFUSED.balanceShort)) return this.insufficient(principal.companyId, cost.credits);
    return undefined;
  }

  private async checkKeyDailyLimit(companyId: string, apiKeyId: string, limit: number, credits: number): Promise<void> {
    await this.companies.lock(companyId);
    const spent = await this.ledger.spentTodayByKey(companyId, apiKeyId);
    if (spent + credits > limit) {
      throw new DomainError('key_credit_limit_reached', `This API key's daily credit limit (${limit}) is used up for today (UTC).`, {
        limit,
        spentToday: spent,
      });
    }
  }

  /** The 402 of a balance short of `required`, with the balance as it is now. */
  private async insufficient(companyId: string, required: number): Promise<DomainError> {
    const company = await this.companies.getById(companyId);
    return new DomainError('insufficient_credits', `This operation costs ${required} credit; the balance is ${company.creditBalance}.`, {
      balance: company.creditBalance,
      required,
    });
  }
}
