import { Injectable, type StreamableFile } from '@nestjs/common';
import { Company } from '../identity/directory/company.entity.js';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import type { FieldError } from '../platform/http/problem-codes.js';
import { invalid } from '../platform/http/validation.pipe.js';
import { mapPage, paginate } from '../platform/http/pagination/keyset.js';
import type { Page } from '../platform/http/pagination/page-query.dto.js';
import { actorRefOf } from '../platform/operations/operation.js';
import { CustomersRepository } from '../customers/customers.repository.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { VehiclesRepository } from '../vehicles/vehicles.repository.js';
import { Outbox } from '../platform/operations/ports.js';
import { agreementDocument } from './agreement-document.js';
import { AgreementResponse, type CreateAgreementRequest, type ListAgreementsQuery, type SignAgreementRequest } from './dto/agreement.dto.js';
import { RentalAgreement } from './rental-agreement.entity.js';

/**
 * Rental agreements. Creating one costs a credit, debited by the write interceptor in this same
 * transaction (@CreditCost on the controller): a vehicle or customer that is not the company's
 * (404 not_found, as for any record of another company) or invalid dates spend nothing.
 */
@Injectable()
export class AgreementsService {
  constructor(
    private readonly uow: UnitOfWork,
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
    const agreements = this.uow.repository(RentalAgreement);
    const agreement = await agreements.save(
      agreements.create({
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
    const agreement = await this.require(principal.companyId, id, true);
    if (agreement.status === 'signed') throw new DomainError('conflict', 'This agreement is already signed.');
    agreement.status = 'signed';
    agreement.signedBy = request.signedBy.trim();
    agreement.signedAt = new Date();
    const response = AgreementResponse.of(await this.uow.repository(RentalAgreement).save(agreement));
    await this.outbox.record(principal.companyId, 'agreement.signed', { ...response });
    return response;
  }

  async list(principal: Principal, query: ListAgreementsQuery): Promise<Page<AgreementResponse>> {
    const builder = this.uow
      .repository(RentalAgreement)
      .createQueryBuilder('agreement')
      .where('agreement.companyId = :companyId', { companyId: principal.companyId });
    if (query.vehicleId) builder.andWhere('agreement.vehicleId = :vehicleId', { vehicleId: query.vehicleId });
    if (query.customerId) builder.andWhere('agreement.customerId = :customerId', { customerId: query.customerId });
    if (query.status) builder.andWhere('agreement.status = :status', { status: query.status });
    return mapPage(await paginate(builder, query), AgreementResponse.of);
  }

  async get(principal: Principal, id: string): Promise<AgreementResponse> {
    return AgreementResponse.of(await this.require(principal.companyId, id));
  }

  async document(principal: Principal, id: string): Promise<StreamableFile> {
    const { companyId } = principal;
    const agreement = await this.require(companyId, id);
    const vehicle = await this.vehicles.getForCompany(companyId, agreement.vehicleId);
    const customer = await this.customers.getForCompany(companyId, agreement.customerId);
    const company = await this.uow.repository(Company).findOneByOrFail({ id: companyId });
    return agreementDocument(agreement, { companyName: company.name, vehicle, customer });
  }

  private async require(companyId: string, id: string, forUpdate = false): Promise<RentalAgreement> {
    const query = this.uow
      .repository(RentalAgreement)
      .createQueryBuilder('agreement')
      .where('agreement.companyId = :companyId AND agreement.id = :id', { companyId, id });
    if (forUpdate) query.setLock('pessimistic_write');
    const agreement = await query.getOne();
    if (!agreement) throw DomainError.notFound('Agreement');
    return agreement;
  }
}

/** "045" → "45.00", "7.5" never gets here (the pattern wants two decimals). */
export function normaliseAmount(amount: string): string {
  const [units, cents = '00'] = amount.split('.');
  return `${BigInt(units).toString()}.${cents}`;
}
