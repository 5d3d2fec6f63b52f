import { Injectable } from '@nestjs/common';
import type { Principal } from '../identity/principal.js';
import { mapPage } from '../platform/http/pagination/keyset.js';
import type { Page } from '../platform/http/pagination/page-query.dto.js';
import type { CustomerAddress, LicenceOnFile } from './customer.entity.js';
import { CustomersRepository } from './customers.repository.js';
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
  constructor(private readonly customers: CustomersRepository) {}

  async get(principal: Principal, customerId: string): Promise<CustomerResponse> {
    return CustomerResponse.of(await this.customers.getForCompany(principal.companyId, customerId));
  }

  async list(principal: Principal, query: ListCustomersQuery): Promise<Page<CustomerResponse>> {
    return mapPage(await this.customers.listForCompany(principal.companyId, query), CustomerResponse.of);
  }

  async create(principal: Principal, request: CreateCustomerRequest): Promise<CustomerResponse> {
    const customer = this.customers.create({
      companyId: principal.companyId,
      name: request.name,
      email: request.email ?? null,
      phone: request.phone ?? null,
      address: toAddress(request.address),
      dateOfBirth: request.dateOfBirth ?? null,
      licence: toLicence(request.licence),
      latestLicenceCheck: null,
    });
    return CustomerResponse.of(await this.customers.save(customer));
  }

  async update(principal: Principal, customerId: string, request: UpdateCustomerRequest): Promise<CustomerResponse> {
    const customer = await this.customers.getForCompany(principal.companyId, customerId);
    if (request.name !== undefined) customer.name = request.name;
    if (request.email !== undefined) customer.email = request.email;
    if (request.phone !== undefined) customer.phone = request.phone;
    if (request.address !== undefined) customer.address = toAddress(request.address);
    if (request.dateOfBirth !== undefined) customer.dateOfBirth = request.dateOfBirth;
    if (request.licence !== undefined) customer.licence = toLicence(request.licence);
    return CustomerResponse.of(await this.customers.save(customer));
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
