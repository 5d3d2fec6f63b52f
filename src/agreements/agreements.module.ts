import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgreementsController } from './agreements.controller.js';
import { AgreementsService } from './agreements.service.js';
import { RentalAgreement } from './rental-agreement.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([RentalAgreement])],
  controllers: [AgreementsController],
  providers: [AgreementsService],
})
export class AgreementsModule {}
