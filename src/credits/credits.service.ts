import { Injectable } from '@nestjs/common';
import { CompaniesRepository } from '../identity/directory/companies.repository.js';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import { mapPage } from '../platform/http/pagination/keyset.js';
import type { Page } from '../platform/http/pagination/page-query.dto.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import type { CreditLedgerEntry } from './credit-ledger-entry.entity.js';
import { CreditLedgerRepository, type LedgerDraft } from './credit-ledger.repository.js';
import { CreditsResponse, LedgerEntryResponse, type LedgerQuery, type TopUpRequest } from './dto/credits.dto.js';
import { actorRefOf } from '../platform/operations/operation.js';

/** The balance column is a PostgreSQL integer; a top-up that would overflow it is refused. */
const MAX_BALANCE = 2_147_483_647;

/** Reading the balance and ledger, buying credits, and the welcome credits of a new company. */
@Injectable()
export class CreditsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly companies: CompaniesRepository,
    private readonly ledger: CreditLedgerRepository,
  ) {}

  async balance(principal: Principal): Promise<CreditsResponse> {
    const company = await this.companies.getById(principal.companyId);
    return CreditsResponse.of(company);
  }

  async transactions(principal: Principal, query: LedgerQuery): Promise<Page<LedgerEntryResponse>> {
    return mapPage(await this.ledger.listForCompany(principal.companyId, query), LedgerEntryResponse.of);
  }

  async topUp(principal: Principal, request: TopUpRequest): Promise<LedgerEntryResponse> {
    return this.uow.run(async () => {
      const balanceAfter = await this.companies.addCredits(principal.companyId, request.credits, MAX_BALANCE);
      if (balanceAfter === null) throw new DomainError('conflict', 'This top-up would exceed the largest balance an account can hold.');
      const entry = await this.record(principal.companyId, {
        delta: request.credits,
        balanceAfter,
        reason: 'top_up',
        actor: actorRefOf(principal),
        apiKeyId: null,
        paymentReference: request.paymentReference,
      });
      return LedgerEntryResponse.of(entry);
    });
  }

  /** Appends one ledger row through the current transaction (a top-up's, or a new company's welcome credits at sign-up). */
  record(companyId: string, entry: LedgerDraft): Promise<CreditLedgerEntry> {
    return this.ledger.append(companyId, entry);
  }
}
