import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { MaxLength } from '../../platform/validation/validators.js';
import { PageQuery } from '../../platform/http/pagination/page-query.dto.js';
import { AUDIT_OUTCOMES, type AuditOutcome } from '../audit-chain.js';

/** `from` (inclusive) and `to` (exclusive) bound `occurredAt`. */
export class AuditRangeQuery {
  @ApiPropertyOptional({ description: 'ISO 8601; events at or after this instant.' })
  @IsOptional() @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; events before this instant.' })
  @IsOptional() @IsISO8601({ strict: true })
  to?: string;
}

export class AuditLogQuery extends IntersectionType(PageQuery, AuditRangeQuery) {
  @ApiPropertyOptional({ description: 'A user id or an API key id.' })
  @IsOptional() @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ description: 'A user id, or an API key\'s publicId (as shown in the key list).', example: 'k3x9q2mf7a1b' })
  @IsOptional() @IsString() @MaxLength(64) @Matches(/^[A-Za-z0-9-]+$/, { message: 'actor must be a user id or an API key publicId' })
  actor?: string;

  @ApiPropertyOptional({ example: 'api_key.*', description: 'An exact action (`vehicle.create`) or a prefix ending in `.*` (`api_key.*`). See GET /v1/audit-logs/actions.' })
  @IsOptional() @IsString() @MaxLength(64) @Matches(/^[a-z_]+(\.[a-z_]+)*(\.\*)?$/, { message: 'action must be an action name or a prefix ending in .*' })
  action?: string;

  @ApiPropertyOptional({ example: 'vehicle' })
  @IsOptional() @IsString() @MaxLength(64)
  resourceType?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(128)
  resourceId?: string;

  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES })
  @IsOptional() @IsIn(AUDIT_OUTCOMES)
  outcome?: AuditOutcome;
}

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export class AuditExportQuery extends AuditRangeQuery {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv' })
  @IsOptional() @IsIn(EXPORT_FORMATS)
  format: ExportFormat = 'csv';

  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'false', description: 'NDJSON only: a `{"type":"checkpoint", …}` line right after the event each signed checkpoint covers.' })
  @IsOptional() @IsIn(['true', 'false'], { message: 'checkpoints must be true or false' })
  checkpoints?: 'true' | 'false';
}
