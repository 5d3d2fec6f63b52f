import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgreementsController } from './agreements.controller.js';
import { AgreementsRepository } from './agreements.repository.js';
import { AgreementsService } from './agreements.service.js';
import { RentalAgreement } from './rental-agreement.entity.js';
import { DirectoryModule } from '../identity/directory/directory.module.js';
import { CustomersModule } from '../customers/customers.module.js';
import { VehiclesModule } from '../vehicles/vehicles.module.js';

@Module({
  imports: [TypeOrmModule.forFeature([RentalAgreement]), VehiclesModule, CustomersModule, DirectoryModule],
  controllers: [AgreementsController],
  providers: [AgreementsService, AgreementsRepository],
})
export class AgreementsModule {}
