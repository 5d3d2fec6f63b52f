import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import { mapPage } from '../platform/http/pagination/keyset.js';
import type { Page } from '../platform/http/pagination/page-query.dto.js';
import { AppConfig } from '../platform/config/app-config.js';
import { CustomersRepository } from '../customers/customers.repository.js';
import { Outbox } from '../platform/operations/ports.js';
import { type CreateLicenceCheckRequest, LicenceCheckResponse, type ListLicenceChecksQuery } from './dto/licence-check.dto.js';
import type { LicenceWarning } from './licence-check.entity.js';
import { LicenceChecksRepository } from './licence-checks.repository.js';
import { licenceKind } from '../platform/validation/licence-number.js';
import { LicenceProvider } from './provider/licence-provider.js';

/** Driver-licence checks. Free: no credit is spent. A flagged check records `licence.flagged` in its transaction. */
@Injectable()
export class LicencesService {
  constructor(
    private readonly checks: LicenceChecksRepository,
    private readonly provider: LicenceProvider,
    private readonly customers: CustomersRepository,
    private readonly outbox: Outbox,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async create(principal: Principal, request: CreateLicenceCheckRequest): Promise<LicenceCheckResponse> {
    if (licenceKind(request.licenceNumber) === 'northern_ireland') {
      throw new DomainError('ni_licence_unsupported', 'Checks of Northern Ireland (DVA) licences are not yet available.');
    }
    const customer = request.customerId ? await this.customers.getForCompany(principal.companyId, request.customerId) : null;
    const onFile = customer?.licence?.number;
    const warnings: LicenceWarning[] =
      onFile && onFile.toUpperCase() !== request.licenceNumber.toUpperCase()
        ? [{ code: 'licence_mismatch', message: `The customer's licence on file has another number (ending ${onFile.slice(-4)}); check you have the right driver.` }]
        : [];
    const outcome = await this.provider.check(request.licenceNumber, request.shareCode);
    if (outcome.kind === 'share_code_invalid') {
      throw new DomainError('share_code_invalid', `The share code is ${outcome.reason === 'expired' ? 'expired' : 'wrong or does not match the licence'}; ask the driver for a new one.`);
    }
    const penaltyPoints = outcome.endorsements.reduce((sum, endorsement) => sum + endorsement.points, 0);
    const check = await this.checks.save(this.checks.create({
      companyId: principal.companyId,
      customerId: request.customerId ?? null,
      licenceNumber: request.licenceNumber,
      checkedAt: new Date(),
      status: outcome.status,
      categories: outcome.categories,
      endorsements: outcome.endorsements,
      penaltyPoints,
      flagged: penaltyPoints >= this.config.LICENCE_FLAG_POINTS || outcome.status !== 'valid',
      source: this.provider.source,
      warnings,
    }));
    const response = LicenceCheckResponse.of(check);
    if (check.customerId) {
      await this.customers.recordLicenceCheck(principal.companyId, check.customerId, {
        id: check.id,
        checkedAt: response.checkedAt,
        status: check.status,
        penaltyPoints,
        flagged: check.flagged,
      });
    }
    if (check.flagged) await this.outbox.record(principal.companyId, 'licence.flagged', { ...response });
    return response;
  }

  async get(principal: Principal, checkId: string): Promise<LicenceCheckResponse> {
    return LicenceCheckResponse.of(await this.checks.getForCompany(principal.companyId, checkId));
  }

  async list(principal: Principal, query: ListLicenceChecksQuery): Promise<Page<LicenceCheckResponse>> {
    return mapPage(await this.checks.listForCompany(principal.companyId, query), LicenceCheckResponse.of);
  }
}
