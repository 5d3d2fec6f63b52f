import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CurrentOperation } from './current-operation.js';
import { OperationSpecs } from './operation-specs.js';
import { WritePipelineInterceptor } from './write-pipeline.interceptor.js';

/** The write pipeline. Its ports are bound by the composition root (app.module.ts). */
@Global()
@Module({
  providers: [OperationSpecs, CurrentOperation, { provide: APP_INTERCEPTOR, useClass: WritePipelineInterceptor }],
  exports: [OperationSpecs, CurrentOperation],
})
export class OperationsModule {}
