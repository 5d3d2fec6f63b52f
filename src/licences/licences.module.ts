import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomersModule } from '../customers/customers.module.js';
import { LicenceCheck } from './licence-check.entity.js';
import { LicenceChecksRepository } from './licence-checks.repository.js';
import { LicencesController } from './licences.controller.js';
import { LicencesService } from './licences.service.js';
import { LicenceProvider } from './provider/licence-provider.js';
import { SimulatedLicenceProvider } from './provider/simulated-licence-provider.js';

@Module({
  imports: [TypeOrmModule.forFeature([LicenceCheck]), CustomersModule],
  controllers: [LicencesController],
  providers: [LicencesService, LicenceChecksRepository, { provide: LicenceProvider, useClass: SimulatedLicenceProvider }],
})
export class LicencesModule {}
