import { Injectable } from '@nestjs/common';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import { mapPage, paginate } from '../platform/http/pagination/keyset.js';
import type { Page } from '../platform/http/pagination/page-query.dto.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { Customer, type CustomerAddress, type LicenceCheckSummary, type LicenceOnFile } from './customer.entity.js';
import {
  type AddressDto,
  type CreateCustomerRequest,
  CustomerResponse,
  type LicenceOnFileDto,
  type ListCustomersQuery,
  type UpdateCustomerRequest,
} from './dto/customer.dto.js';

@Injectable()
export class CustomersService {
  constructor(private readonly uow: UnitOfWork) {}

  /** The company's customer, or 404 (another company's customer is answered the same as a missing one). */
  async require(companyId: string, customerId: string): Promise<Customer> {
    const customer = await this.uow.repository(Customer).findOne({ where: { id: customerId, companyId } });
    if (!customer) throw DomainError.notFound('Customer');
    return customer;
  }

  async get(principal: Principal, customerId: string): Promise<CustomerResponse> {
    return CustomerResponse.of(await this.require(principal.companyId, customerId));
  }

  async list(principal: Principal, query: ListCustomersQuery): Promise<Page<CustomerResponse>> {
    const builder = this.uow
      .repository(Customer)
      .createQueryBuilder('customer')
      .where('customer.companyId = :companyId', { companyId: principal.companyId });
    if (query.email !== undefined) builder.andWhere('customer.email = :email', { email: query.email });
    return mapPage(await paginate(builder, query), CustomerResponse.of);
  }

  async create(principal: Principal, request: CreateCustomerRequest): Promise<CustomerResponse> {
    const customers = this.uow.repository(Customer);
    const customer = customers.create({
      companyId: principal.companyId,
      name: request.name,
      email: request.email ?? null,
      phone: request.phone ?? null,
      address: toAddress(request.address),
      dateOfBirth: request.dateOfBirth ?? null,
      licence: toLicence(request.licence),
      latestLicenceCheck: null,
    });
    return CustomerResponse.of(await customers.save(customer));
  }

  async update(principal: Principal, customerId: string, request: UpdateCustomerRequest): Promise<CustomerResponse> {
    const customer = await this.require(principal.companyId, customerId);
    if (request.name !== undefined) customer.name = request.name;
    if (request.email !== undefined) customer.email = request.email;
    if (request.phone !== undefined) customer.phone = request.phone;
    if (request.address !== undefined) customer.address = toAddress(request.address);
    if (request.dateOfBirth !== undefined) customer.dateOfBirth = request.dateOfBirth;
    if (request.licence !== undefined) customer.licence = toLicence(request.licence);
    return CustomerResponse.of(await this.uow.repository(Customer).save(customer));
  }

  /** Keeps the customer's summary on its newest check (UUIDv7 ids order checks by creation). */
  async recordLicenceCheck(companyId: string, customerId: string, summary: LicenceCheckSummary): Promise<void> {
    await this.uow.manager.query(
      `UPDATE customers SET latest_licence_check = $1::jsonb
        WHERE id = $2 AND company_id = $3
          AND (latest_licence_check IS NULL OR (latest_licence_check->>'id')::uuid < $4::uuid)`,
      [JSON.stringify(summary), customerId, companyId, summary.id],
    );
  }
}

function toAddress(address: AddressDto | null | undefined): CustomerAddress | null {
  if (!address) return null;
  return {
    line1: address.line1,
    line2: address.line2 ?? null,
    city: address.city ?? null,
    postcode: address.postcode ?? null,
    country: address.country ?? 'GB',
  };
}

function toLicence(licence: LicenceOnFileDto | null | undefined): LicenceOnFile | null {
  if (!licence) return null;
  return { number: licence.number, expiresAt: licence.expiresAt ?? null, categories: licence.categories ?? [] };
}
