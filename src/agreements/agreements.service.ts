import { Injectable, type StreamableFile } from '@nestjs/common';
import { CompaniesRepository } from '../identity/directory/companies.repository.js';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import type { FieldError } from '../platform/http/problem-codes.js';
import { invalid } from '../platform/http/validation.pipe.js';
import { mapPage } from '../platform/http/pagination/keyset.js';
import type { Page } from '../platform/http/pagination/page-query.dto.js';
import { actorRefOf } from '../platform/operations/operation.js';
import { CustomersRepository } from '../customers/customers.repository.js';
import { VehiclesRepository } from '../vehicles/vehicles.repository.js';
import { Outbox } from '../platform/operations/ports.js';
import { agreementDocument } from './agreement-document.js';
import { AgreementResponse, type CreateAgreementRequest, type ListAgreementsQuery, type SignAgreementRequest } from './dto/agreement.dto.js';
import { AgreementsRepository } from './agreements.repository.js';

/**
 * Rental agreements. Creating one costs a credit, debited by the write interceptor in this same
 * transaction (@CreditCost on the controller): a vehicle or customer that is not the company's
 * (404 not_found, as for any record of another company) or invalid dates spend nothing.
 */
@Injectable()
export class AgreementsService {
  constructor(
    private readonly agreements: AgreementsRepository,
    private readonly companies: CompaniesRepository,
    private readonly outbox: Outbox,
    private readonly vehicles: VehiclesRepository,
    private readonly customers: CustomersRepository,
  ) {}

  async create(principal: Principal, request: CreateAgreementRequest): Promise<AgreementResponse> {
    const { companyId } = principal;
    const startsAt = new Date(request.startsAt);
    const endsAt = new Date(request.endsAt);
    const errors: FieldError[] = [];
    if (endsAt <= startsAt) errors.push({ field: 'endsAt', message: 'must be after startsAt' });
    if (request.deposit && request.deposit.currency !== request.dailyRate.currency) {
      errors.push({ field: 'deposit.currency', message: 'must be the daily rate\'s currency' });
    }
    if (errors.length > 0) throw invalid(errors);
    await this.vehicles.requireForCompany(companyId, request.vehicleId);
    await this.customers.requireForCompany(companyId, request.customerId);
    const agreement = await this.agreements.save(
      this.agreements.create({
        companyId,
        vehicleId: request.vehicleId,
        customerId: request.customerId,
        startsAt,
        endsAt,
        currency: request.dailyRate.currency,
        dailyRate: normaliseAmount(request.dailyRate.amount),
        deposit: request.deposit ? normaliseAmount(request.deposit.amount) : null,
        mileageLimit: request.mileageLimit ?? null,
        terms: request.terms ?? null,
        status: 'pending_signature',
        signedBy: null,
        signedAt: null,
        createdBy: actorRefOf(principal),
      }),
    );
    return AgreementResponse.of(agreement);
  }

  async sign(principal: Principal, id: string, request: SignAgreementRequest): Promise<AgreementResponse> {
    const agreement = await this.agreements.getForCompany(principal.companyId, id, { lock: true });
    if (agreement.status === 'signed') throw new DomainError('conflict', 'This agreement is already signed.');
    agreement.status = 'signed';
    agreement.signedBy = request.signedBy.trim();
    agreement.signedAt = new Date();
    const response = AgreementResponse.of(await this.agreements.save(agreement));
    await this.outbox.record(principal.companyId, 'agreement.signed', { ...response });
    return response;
  }

  async list(principal: Principal, query: ListAgreementsQuery): Promise<Page<AgreementResponse>> {
    return mapPage(await this.agreements.listForCompany(principal.companyId, query), AgreementResponse.of);
  }

  async get(principal: Principal, id: string): Promise<AgreementResponse> {
    return AgreementResponse.of(await this.agreements.getForCompany(principal.companyId, id));
  }

  async document(principal: Principal, id: string): Promise<StreamableFile> {
    const { companyId } = principal;
    const agreement = await this.agreements.getForCompany(companyId, id);
    const vehicle = await this.vehicles.getForCompany(companyId, agreement.vehicleId);
    const customer = await this.customers.getForCompany(companyId, agreement.customerId);
    const company = await this.companies.getById(companyId);
    return agreementDocument(agreement, { companyName: company.name, vehicle, customer });
  }
}

/** "045" → "45.00", "7.5" never gets here (the pattern wants two decimals). */
export function normaliseAmount(amount: string): string {
  const [units, cents = '00'] = amount.split('.');
  return `${BigInt(units).toString()}.${cents}`;
}
