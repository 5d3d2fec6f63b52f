import { applyDecorators, SetMetadata } from '@nestjs/common';
import type { AuditAction } from './audit-actions.js';
import { AUDIT_ACTION } from './operation-metadata.js';
import { throughWritePipeline } from './write-pipeline.interceptor.js';

export { AUDIT_ACTION };

/**
 * Marks a write or management operation: it runs in one transaction with its audit event (and its
 * credit debit, when it has a cost). `action` is e.g. `vehicle.create`, `api_key.revoke`.
 */
export const Audited = (action: AuditAction) => applyDecorators(SetMetadata(AUDIT_ACTION, action), throughWritePipeline());
