import { SetMetadata } from '@nestjs/common';
import type { AuditAction } from './audit-actions.js';

export const AUDIT_ACTION = 'fleetgate:audit-action';

/**
 * Marks a write or management operation: it runs in one transaction with its audit event (and its
 * credit debit, when it has a cost). `action` is e.g. `vehicle.create`, `api_key.revoke`.
 */
export const Audited = (action: AuditAction) => SetMetadata(AUDIT_ACTION, action);
