import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AccountsModule } from './accounts/accounts.module.js';
import { AgreementsModule } from './agreements/agreements.module.js';
import { AuditRecorder } from './audit/audit-recorder.service.js';
import { AuditModule } from './audit/audit.module.js';
import { CreditDebitService } from './credits/credit-debit.service.js';
import { CreditsModule } from './credits/credits.module.js';
import { CustomersModule } from './customers/customers.module.js';
import { HealthModule } from './health/health.module.js';
import { IdempotencyService } from './idempotency/idempotency.service.js';
import { IdempotencyModule } from './idempotency/idempotency.module.js';
import { ApiKeysModule } from './identity/api-keys/api-keys.module.js';
import { AuthenticationModule } from './identity/authentication/authentication.module.js';
import { DirectoryModule } from './identity/directory/directory.module.js';
import { ScopesModule } from './identity/scopes/scopes.module.js';
import { SessionsModule } from './identity/sessions/sessions.module.js';
import { InspectionsModule } from './inspections/inspections.module.js';
import { LicencesModule } from './licences/licences.module.js';
import { ProblemsModule } from './problems/problems.module.js';
import { AppConfig } from './platform/config/app-config.js';
import { DatabaseModule } from './platform/database/database.module.js';
import { ProblemDetailsFilter } from './platform/http/problem-details.filter.js';
import { ReadAheads } from './platform/http/read-ahead.js';
import { RouteTable } from './platform/http/route-table.js';
import { RequestValidationPipe } from './platform/http/validation.pipe.js';
import { JobsModule } from './platform/jobs/jobs.module.js';
import { Lifecycle } from './platform/lifecycle/lifecycle.js';
import { LOGGER, type AppLogger } from './platform/logging/logger.js';
import { OperationsModule } from './platform/operations/operations.module.js';
import { AuditSink, CreditMeter, IdempotencyStore, Outbox } from './platform/operations/ports.js';
import { VehiclesModule } from './vehicles/vehicles.module.js';
import { EventOutbox } from './webhooks/event-outbox.service.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  databaseUrl: string;
  logger: AppLogger;
  routes: RouteTable;
  lifecycle: Lifecycle;
}

/** Configuration, logger, the route table, the instance's lifecycle and the routes' read-aheads, available everywhere (platform). */
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
        { provide: Lifecycle, useValue: options.lifecycle },
        ReadAheads,
      ],
      exports: [AppConfig, LOGGER, RouteTable, Lifecycle, ReadAheads],
    };
  }
}

/**
 * The ports of the write pipeline, bound to the capabilities that implement them. The one place
 * where the layers below (platform, identity) are joined to the capabilities above them.
 */
@Global()
@Module({
  imports: [AuditModule, CreditsModule, IdempotencyModule, WebhooksModule],
  providers: [
    { provide: AuditSink, useExisting: AuditRecorder },
    { provide: CreditMeter, useExisting: CreditDebitService },
    { provide: IdempotencyStore, useExisting: IdempotencyService },
    { provide: Outbox, useExisting: EventOutbox },
  ],
  exports: [AuditSink, CreditMeter, IdempotencyStore, Outbox],
})
class PortsModule {}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // platform
        CoreModule.forRoot(options),
        DatabaseModule.forRoot(options.databaseUrl, options.config.DB_POOL_SIZE),
        JobsModule,
        OperationsModule,
        PortsModule,
        // identity
        AuthenticationModule,
        DirectoryModule,
        SessionsModule,
        ApiKeysModule,
        ScopesModule,
        // capabilities
        HealthModule,
        ProblemsModule,
        AccountsModule,
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
      ],
    };
  }
}
