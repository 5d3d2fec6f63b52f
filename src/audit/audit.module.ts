import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditChainWriter } from './audit-chain-writer.js';
import { CompanyScanGate } from './company-scan-gate.js';
import { AuditEvent } from './audit-event.entity.js';
import { AuditExportService } from './audit-export.service.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditRecorder } from './audit-recorder.service.js';
import { AuditController } from './audit.controller.js';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent])],
  controllers: [AuditController],
  providers: [AuditChainWriter, AuditRecorder, AuditLogService, AuditExportService, CompanyScanGate],
  exports: [AuditRecorder],
})
export class AuditModule {}
