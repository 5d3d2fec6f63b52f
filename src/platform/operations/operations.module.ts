import { Global, Module } from '@nestjs/common';
import { CurrentOperation } from './current-operation.js';
import { OperationSpecs } from './operation-specs.js';

/**
 * The write pipeline's state and specs. The interceptor itself is bound per route by `@Audited` and
 * `@CreditCost`; its ports are bound by the composition root (app.module.ts).
 */
@Global()
@Module({
  providers: [OperationSpecs, CurrentOperation],
  exports: [OperationSpecs, CurrentOperation],
})
export class OperationsModule {}
