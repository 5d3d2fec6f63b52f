import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditChainWriter } from './audit-chain-writer.js';
import { AuditChainer } from './audit-chainer.js';
import { CompanyScanGate } from './company-scan-gate.js';
import { AuditEvent } from './audit-event.entity.js';
import { AuditExportService } from './audit-export.service.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditRecorder } from './audit-recorder.service.js';
import { AuditController } from './audit.controller.js';
import { AuditCheckpoints } from './checkpoints/audit-checkpoints.service.js';
import { AuditCheckpointsController, AuditKeysController } from './checkpoints/audit-checkpoints.controller.js';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent])],
  controllers: [AuditCheckpointsController, AuditKeysController, AuditController],
  providers: [AuditChainWriter, AuditChainer, AuditRecorder, AuditLogService, AuditExportService, CompanyScanGate, AuditCheckpoints],
  exports: [AuditRecorder],
})
export class AuditModule {}
