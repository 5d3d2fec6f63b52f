import { Injectable } from '@nestjs/common';
import { Company } from '../identity/directory/company.entity.js';
import { DomainError } from '../platform/http/domain-error.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { type ActorRef, actorRefOf, type CreditCostRule, type OperationActor } from '../platform/operations/operation.js';
import { CreditMeter, Outbox } from '../platform/operations/ports.js';
import { CreditsService } from './credits.service.js';

/**
 * Spends credits inside the write's transaction. The debit is ONE conditional UPDATE, so the balance
 * cannot go below zero under any concurrency (and the CHECK on the column would refuse it anyway);
 * the company row stays locked until the write commits, which also serialises a key's daily cap.
 */
@Injectable()
export class CreditDebitService extends CreditMeter {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly credits: CreditsService,
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

  async spend(principal: OperationActor, cost: CreditCostRule, resourceId: string | null): Promise<void> {
    if (!this.uow.inTransaction) throw new Error('Credits can only be spent inside the write transaction');
    const { companyId } = principal;
    const { credits, resource } = cost;
    if (principal.apiKeyId && principal.dailyCreditLimit != null) {
      await this.checkKeyDailyLimit(companyId, principal.apiKeyId, principal.dailyCreditLimit, credits);
    }
    const result = await this.uow.manager
      .createQueryBuilder()
      .update(Company)
      .set({ creditBalance: () => 'credit_balance - :credits' })
      .where('id = :companyId AND credit_balance >= :credits', { companyId, credits })
      .returning('credit_balance, low_balance_threshold')
      .execute();
    const row = (result.raw as Array<{ credit_balance: number; low_balance_threshold: number }>)[0];
    if (!row) return this.refuseInsufficient(companyId, credits);
    const balance = row.credit_balance;
    await this.credits.record(companyId, {
      delta: -credits,
      balanceAfter: balance,
      reason: resource,
      resourceType: resource,
      resourceId,
      actor: actorRefOf(principal),
      apiKeyId: principal.apiKeyId ?? null,
      paymentReference: null,
    });
    const threshold = row.low_balance_threshold;
    if (balance < threshold && balance + credits >= threshold) {
      await this.outbox.record(companyId, 'credits.low', { id: companyId, balance, lowBalanceThreshold: threshold });
    }
  }

  private async checkKeyDailyLimit(companyId: string, apiKeyId: string, limit: number, credits: number): Promise<void> {
    const manager = this.uow.manager;
    // NO KEY UPDATE: serialises spenders of this company like the debit's UPDATE does, without
    // conflicting with the KEY SHARE locks that the write's own foreign keys hold on the row.
    await manager.query('SELECT 1 FROM companies WHERE id = $1 FOR NO KEY UPDATE', [companyId]);
    const [{ spent }] = await manager.query<Array<{ spent: number }>>(
      `SELECT coalesce(-sum(delta), 0)::int AS spent FROM credit_ledger
       WHERE company_id = $1 AND api_key_id = $2 AND delta < 0
         AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
      [companyId, apiKeyId],
    );
    if (spent + credits > limit) {
      throw new DomainError('key_credit_limit_reached', `This API key's daily credit limit (${limit}) is used up for today (UTC).`, {
        limit,
        spentToday: spent,
      });
    }
  }

  private async refuseInsufficient(companyId: string, required: number): Promise<never> {
    const company = await this.uow.repository(Company).findOneByOrFail({ id: companyId });
    throw new DomainError('insufficient_credits', `This operation costs ${required} credit; the balance is ${company.creditBalance}.`, {
      balance: company.creditBalance,
      required,
    });
  }
}
