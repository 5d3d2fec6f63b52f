import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TokensModule } from '../identity/authentication/tokens.module.js';
import { AuditChainWriter } from './audit-chain-writer.js';
import { AuditEvent } from './audit-event.entity.js';
import { AuditExportService } from './audit-export.service.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditRecorder } from './audit-recorder.service.js';
import { AuditController } from './audit.controller.js';

/** The audit log. Global: the write interceptor and the problem filter record through AuditRecorder. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent]), TokensModule],
  controllers: [AuditController],
  providers: [AuditChainWriter, AuditRecorder, AuditLogService, AuditExportService],
  exports: [AuditRecorder],
})
export class AuditModule {}
