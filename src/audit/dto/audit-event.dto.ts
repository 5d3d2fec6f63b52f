import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AUDIT_OUTCOMES, type ActorType, type AuditOutcome } from '../audit-chain.js';
import { type AuditEvent, toChained } from '../audit-event.entity.js';
import { AUDIT_ACTIONS } from '../../platform/operations/audit-actions.js';

export class AuditActorResponse {
  @ApiProperty({ enum: ['user', 'api_key'] }) type!: ActorType;
  @ApiProperty({ type: String, nullable: true, description: 'The user id, or the API key id.' }) id!: string | null;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiPropertyOptional({ description: 'The API key\'s publicId (keys only).' }) publicId?: string;
}

export class AuditEventResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'Gap-free position in the company\'s chain, from 1.' }) seq!: number;
  @ApiProperty() occurredAt!: string;
  @ApiProperty() companyId!: string;
  @ApiProperty({ type: AuditActorResponse }) actor!: AuditActorResponse;
  @ApiProperty({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent!: string | null;
  @ApiProperty() requestId!: string;
  @ApiProperty({ example: 'vehicle.create' }) action!: string;
  @ApiProperty({ example: 'POST' }) method!: string;
  @ApiProperty({ description: 'The request path, without its query string.' }) path!: string;
  @ApiProperty({ type: String, nullable: true }) resourceType!: string | null;
  @ApiProperty({ type: String, nullable: true }) resourceId!: string | null;
  @ApiProperty() status!: number;
  @ApiProperty({ enum: AUDIT_OUTCOMES }) outcome!: AuditOutcome;
  @ApiProperty() creditsSpent!: number;
  @ApiProperty({ type: String, nullable: true }) idempotencyKey!: string | null;
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: { type: 'object', properties: { from: {}, to: {} }, required: ['from', 'to'] },
    example: { role: { from: 'admin', to: 'member' } },
    description: 'What an update or management action changed, `{field: {from, to}}`; null otherwise. Never holds a secret.',
  })
  changes!: Record<string, { from: unknown; to: unknown }> | null;
  @ApiProperty({ description: 'The previous event\'s hash; 64 zeros for a company\'s first event.' }) prevHash!: string;
  @ApiProperty({ description: 'SHA-256 (hex) of the canonical event followed by prevHash.' }) hash!: string;

  static of(row: AuditEvent): AuditEventResponse {
    const { actor, occurredAt, changes, ...event } = toChained(row);
    const { publicId, ...actorWithoutKey } = actor;
    return {
      ...event,
      occurredAt: occurredAt.toISOString(),
      changes: changes == null ? null : (JSON.parse(changes) as Record<string, { from: unknown; to: unknown }>),
      actor: publicId === null ? actorWithoutKey : { ...actorWithoutKey, publicId },
      prevHash: row.prevHash,
      hash: row.hash,
    };
  }
}

export class AuditEventPage {
  @ApiProperty({ type: [AuditEventResponse] }) data!: AuditEventResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class AuditBrokenRange {
  @ApiProperty({ enum: ['altered', 'missing'], description: '`altered`: the events are there but their hash or prevHash does not follow; `missing`: no event has these seqs.' })
  reason!: 'altered' | 'missing';
  @ApiProperty() fromSeq!: number;
  @ApiProperty() toSeq!: number;
  @ApiProperty({ type: String, nullable: true, description: 'The first altered event of the range (null for missing events).' })
  firstId!: string | null;
}

export class AuditVerifyResponse {
  @ApiProperty() valid!: boolean;
  @ApiProperty({ description: 'Events re-hashed.' }) checked!: number;
  @ApiPropertyOptional({ description: 'The first event whose hash, prevHash or seq does not follow (after missing events: the event after them).' }) firstBrokenId?: string;
  @ApiPropertyOptional({ description: 'Set when events are missing from the end of the chain: the first missing seq.' })
  missingFromSeq?: number;
  @ApiPropertyOptional({ type: [AuditBrokenRange], description: 'Every broken part of the range, in seq order (present when valid is false).' })
  brokenRanges?: AuditBrokenRange[];
}

export class AuditActionEntry {
  @ApiProperty({ example: 'api_key.revoke' }) action!: string;
  @ApiProperty() description!: string;
}

/** Every action the log can hold. */
export class AuditActionCatalogue {
  @ApiProperty({ type: [AuditActionEntry] }) data!: AuditActionEntry[];

  static all(): AuditActionCatalogue {
    return { data: Object.entries(AUDIT_ACTIONS).map(([action, description]) => ({ action, description })) };
  }
}
