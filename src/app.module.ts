import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AccountsModule } from './accounts/accounts.module.js';
import { AgreementsModule } from './agreements/agreements.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './identity/authentication/authentication.module.js';
import { CustomersModule } from './customers/customers.module.js';
import { CreditsModule } from './credits/credits.module.js';
import { IdempotencyModule } from './idempotency/idempotency.module.js';
import { InspectionsModule } from './inspections/inspections.module.js';
import { ProblemDetailsFilter } from './platform/http/problem-details.filter.js';
import { RouteTable } from './platform/http/route-table.js';
import { WriteTransactionInterceptor } from './platform/operations/write-pipeline.interceptor.js';
import { RequestValidationPipe } from './platform/http/validation.pipe.js';
import { AppConfig } from './platform/config/app-config.js';
import { HealthModule } from './health/health.module.js';
import { DatabaseModule } from './platform/database/database.module.js';
import { JobsModule } from './platform/jobs/jobs.module.js';
import { LicencesModule } from './licences/licences.module.js';
import { KeysModule } from './identity/api-keys/api-keys.module.js';
import { LOGGER, type AppLogger } from './platform/logging/logger.js';
import { ScopesModule } from './identity/scopes/scopes.module.js';
import { VehiclesModule } from './vehicles/vehicles.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  databaseUrl: string;
  logger: AppLogger;
  routes: RouteTable;
}

/** Configuration, logger and the route table, available everywhere. */
@Global()
@Module({})
class CoreModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: AppConfig, useValue: options.config },
        { provide: LOGGER, useValue: options.logger },
        { provide: RouteTable, useValue: options.routes },
      ],
      exports: [AppConfig, LOGGER, RouteTable],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(options),
        DatabaseModule.forRoot(options.databaseUrl, options.config.DB_POOL_SIZE),
        JobsModule,
        AuthModule,
        AccountsModule,
        KeysModule,
        ScopesModule,
        HealthModule,
        WebhooksModule,
        CreditsModule,
        IdempotencyModule,
        InspectionsModule,
        AgreementsModule,
        AuditModule,
        VehiclesModule,
        CustomersModule,
        LicencesModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useClass: RequestValidationPipe },
        { provide: APP_INTERCEPTOR, useClass: WriteTransactionInterceptor },
      ],
    };
  }
}
