import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../platform/config/app-config.js';
import { DvlaVehicleDataProvider } from './lookup/dvla/dvla-vehicle-data-provider.js';
import { SimulatedVehicleDataProvider } from './lookup/simulated/simulated-vehicle-data-provider.js';
import { VehicleDataProvider } from './lookup/vehicle-data.js';
import { Vehicle } from './vehicle.entity.js';
import { VehicleLookupService } from './vehicle-lookup.service.js';
import { VehiclesController } from './vehicles.controller.js';
import { VehiclesRepository } from './vehicles.repository.js';
import { VehiclesService } from './vehicles.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Vehicle])],
  controllers: [VehiclesController],
  providers: [
    VehiclesService,
    VehiclesRepository,
    VehicleLookupService,
    {
      provide: VehicleDataProvider,
      inject: [AppConfig],
      useFactory: (config: AppConfig): VehicleDataProvider =>
        config.VEHICLE_DATA_PROVIDER === 'dvla' ? DvlaVehicleDataProvider.fromConfig(config) : new SimulatedVehicleDataProvider(),
    },
  ],
  exports: [VehiclesRepository],
})
export class VehiclesModule {}
