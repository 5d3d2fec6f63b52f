import { Injectable } from '@nestjs/common';
import { TenantRepository } from '../platform/database/tenant-repository.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { Customer } from './customer.entity.js';

export type { Customer };

/** The only way into the `customers` table; every lookup takes the company first. */
@Injectable()
export class CustomersRepository extends TenantRepository<Customer> {
  constructor(uow: UnitOfWork) {
    super(uow, Customer, 'Customer');
  }
}
