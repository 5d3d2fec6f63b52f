import { Injectable } from '@nestjs/common';
import { TenantRepository } from '../platform/database/tenant-repository.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { Vehicle } from './vehicle.entity.js';

export type { Vehicle };

/** The only way into the `vehicles` table; every lookup takes the company first. */
@Injectable()
export class VehiclesRepository extends TenantRepository<Vehicle> {
  constructor(uow: UnitOfWork) {
    super(uow, Vehicle, 'Vehicle');
  }
}
