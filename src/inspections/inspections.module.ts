import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InspectionTemplate } from './inspection-template.entity.js';
import { InspectionTemplatesRepository } from './inspection-templates.repository.js';
import { InspectionTemplatesService } from './inspection-templates.service.js';
import { Inspection } from './inspection.entity.js';
import { InspectionsController } from './inspections.controller.js';
import { InspectionsRepository } from './inspections.repository.js';
import { InspectionsService } from './inspections.service.js';
import { VehiclesModule } from '../vehicles/vehicles.module.js';

@Module({
  imports: [TypeOrmModule.forFeature([InspectionTemplate, Inspection]), VehiclesModule],
  controllers: [InspectionsController],
  providers: [InspectionsService, InspectionsRepository, InspectionTemplatesService, InspectionTemplatesRepository],
})
export class InspectionsModule {}
