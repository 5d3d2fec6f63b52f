import { Injectable } from '@nestjs/common';
import { Company } from '../identity/directory/company.entity.js';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import { mapPage, paginate } from '../platform/http/pagination/keyset.js';
import type { Page, PageQuery } from '../platform/http/pagination/page-query.dto.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { CreditLedgerEntry } from './credit-ledger-entry.entity.js';
import { CreditsResponse, LedgerEntryResponse, type TopUpRequest } from './dto/credits.dto.js';
import { actorRefOf } from '../platform/operations/operation.js';

/** The balance column is a PostgreSQL integer; a top-up that would overflow it is refused. */
const MAX_BALANCE = 2_147_483_647;

/** Reading the balance and ledger, buying credits, and the welcome credits of a new company. */
@Injectable()
export class CreditsService {
  constructor(private readonly uow: UnitOfWork) {}

  async balance(principal: Principal): Promise<CreditsResponse> {
    const company = await this.uow.repository(Company).findOneByOrFail({ id: principal.companyId });
    return CreditsResponse.of(company);
  }

  async transactions(principal: Principal, page: PageQuery): Promise<Page<LedgerEntryResponse>> {
    const query = this.uow
      .repository(CreditLedgerEntry)
      .createQueryBuilder('entry')
      .where('entry.companyId = :companyId', { companyId: principal.companyId });
    return mapPage(await paginate(query, page), LedgerEntryResponse.of);
  }

  async topUp(principal: Principal, request: TopUpRequest): Promise<LedgerEntryResponse> {
    return this.uow.run(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(Company)
        .set({ creditBalance: () => 'credit_balance + :credits' })
        .where('id = :companyId AND credit_balance <= :ceiling', {
          companyId: principal.companyId,
          credits: request.credits,
          ceiling: MAX_BALANCE - request.credits,
        })
        .returning('credit_balance')
        .execute();
      const row = (result.raw as Array<{ credit_balance: number }>)[0];
      if (!row) throw new DomainError('conflict', 'This top-up would exceed the largest balance an account can hold.');
      const entry = await this.record(principal.companyId, {
        delta: request.credits,
        balanceAfter: row.credit_balance,
        reason: 'top_up',
        actor: actorRefOf(principal),
        apiKeyId: null,
        paymentReference: request.paymentReference,
      });
      return LedgerEntryResponse.of(entry);
    });
  }

  /** The ledger row of a new company's welcome credits; call inside the sign-up transaction. */
  /** Appends one ledger row through the current transaction. */
  async record(
    companyId: string,
    entry: Pick<CreditLedgerEntry, 'delta' | 'balanceAfter' | 'reason' | 'actor' | 'apiKeyId' | 'paymentReference'> &
      Partial<Pick<CreditLedgerEntry, 'resourceType' | 'resourceId'>>,
  ): Promise<CreditLedgerEntry> {
    const ledger = this.uow.repository(CreditLedgerEntry);
    return ledger.save(ledger.create({ resourceType: null, resourceId: null, ...entry, companyId }));
  }
}
