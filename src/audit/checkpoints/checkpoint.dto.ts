import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class AuditCheckpointResponse {
  @ApiProperty({ format: 'uuid' }) companyId!: string;
  @ApiProperty({ description: 'The seq of the last event the checkpoint covers (≥ 1).' }) seq!: number;
  @ApiProperty({ description: 'That event\'s hash (64 lowercase hex digits).' }) hash!: string;
  @ApiProperty({ example: '2026-11-25T21:00:00.000Z', description: 'Exactly the signed string.' }) signedAt!: string;
  @ApiProperty({ description: 'The signing key (see /.well-known/fleetgate/audit-keys).' }) kid!: string;
  @ApiProperty({ description: 'Ed25519 signature, base64url without padding, over the canonical bytes (README).' }) signature!: string;
}

export class AuditCheckpointPage {
  @ApiProperty({ type: [AuditCheckpointResponse] }) data!: AuditCheckpointResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class AuditKeyResponse {
  @ApiProperty() kid!: string;
  @ApiProperty({ enum: ['Ed25519'] }) alg!: 'Ed25519';
  @ApiProperty({ description: 'The raw 32-byte public key, base64url (43 characters).' }) publicKey!: string;
  @ApiProperty() validFrom!: string;
  @ApiPropertyOptional({ description: 'Set once the key was rotated out (exclusive).' }) validTo?: string;
}

export class AuditKeysResponse {
  @ApiProperty({ type: [AuditKeyResponse] }) keys!: AuditKeyResponse[];
}
