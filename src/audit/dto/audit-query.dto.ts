import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
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

  @ApiPropertyOptional({ example: 'vehicle.create' })
  @IsOptional() @IsString() @MaxLength(64)
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
  @ApiProperty({ enum: EXPORT_FORMATS })
  @IsIn(EXPORT_FORMATS)
  format!: ExportFormat;
}
