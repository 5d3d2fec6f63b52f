import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PageQuery } from '../../../platform/http/pagination/page-query.dto.js';
import { ALL_SCOPES, PRESETS, type PresetName, type Scope } from '../../scopes/scope-catalogue.js';
import type { ApiKey, ApiKeyStatus } from '../api-key.entity.js';

const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** `"203.0.113.7, 2001:db8::/32"` → `["203.0.113.7", "2001:db8::/32"]`; arrays pass through. */
const commaList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((entry) => entry.trim()).filter(Boolean) : value;
const booleanQuery = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export const MAX_GRACE_PERIOD_SECONDS = 86_400;

export class CreateApiKeyRequest {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Depot tablet integration' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional() @IsString() @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ enum: ALL_SCOPES, isArray: true, description: 'With or instead of `preset`; at least one scope in all.' })
  @IsOptional() @IsArray() @ArrayMaxSize(ALL_SCOPES.length * 2)
  @IsIn(ALL_SCOPES, { each: true, message: 'each value in scopes must be a known scope (see GET /v1/scopes)' })
  scopes?: Scope[];

  @ApiPropertyOptional({ enum: PRESET_NAMES })
  @IsOptional() @IsIn(PRESET_NAMES, { message: `preset must be one of ${PRESET_NAMES.join(', ')}` })
  preset?: PresetName;

  @ApiPropertyOptional({ example: '2027-01-01T00:00:00Z', description: 'ISO 8601; must be in the future.' })
  @IsOptional() @IsISO8601({ strict: true })
  expiresAt?: string;

  @ApiPropertyOptional({
    oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }],
    example: ['203.0.113.0/24', '2001:db8::/32'],
    description: 'IPv4/IPv6 addresses or CIDR ranges, as an array or one comma-separated string; empty = any IP.',
  })
  @IsOptional() @Transform(commaList) @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(64, { each: true })
  ipAllowlist?: string[];

  @ApiPropertyOptional({ type: Number, minimum: 0, nullable: true, description: 'Credits this key may spend per UTC day; omitted = no cap.' })
  @IsOptional() @IsInt() @Min(0)
  dailyCreditLimit?: number | null;
}

export class ListApiKeysQuery extends PageQuery {
  @ApiPropertyOptional({ default: false })
  @IsOptional() @Transform(booleanQuery) @IsBoolean()
  includeRevoked: boolean = false;
}

export class RevokeApiKeyRequest {
  @ApiProperty({ example: 'k3x9q2mf7a1b' })
  @IsString() @MaxLength(32)
  publicId!: string;
}

export class RotateApiKeyRequest {
  @ApiPropertyOptional({ minimum: 0, maximum: MAX_GRACE_PERIOD_SECONDS, description: 'How long the old secret keeps working.' })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_GRACE_PERIOD_SECONDS)
  gracePeriodSeconds?: number;
}

export class ApiKeyResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'k3x9q2mf7a1b' }) publicId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ enum: ALL_SCOPES, isArray: true }) scopes!: Scope[];
  @ApiProperty({ enum: ['ACTIVE', 'REVOKED', 'EXPIRED'] }) status!: ApiKeyStatus;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: String, nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: [String] }) ipAllowlist!: string[];
  @ApiProperty({ type: Number, nullable: true }) dailyCreditLimit!: number | null;
  @ApiProperty({ description: 'Id of the user who created the key.' }) createdBy!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Fresh to the minute.' }) lastUsedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastUsedIp!: string | null;
  @ApiProperty({ type: String, nullable: true }) rotatedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) revokedAt!: string | null;

  static of(key: ApiKey): ApiKeyResponse {
    const iso = (date: Date | null) => date?.toISOString() ?? null;
    return {
      id: key.id,
      publicId: key.publicId,
      name: key.name,
      description: key.description,
      scopes: key.scopes,
      status: key.status(),
      createdAt: key.createdAt.toISOString(),
      expiresAt: iso(key.expiresAt),
      ipAllowlist: key.ipAllowlist,
      dailyCreditLimit: key.dailyCreditLimit,
      createdBy: key.createdBy,
      lastUsedAt: iso(key.lastUsedAt),
      lastUsedIp: key.lastUsedIp,
      rotatedAt: iso(key.rotatedAt),
      revokedAt: iso(key.revokedAt),
    };
  }
}

export class ApiKeyWithSecretResponse extends ApiKeyResponse {
  @ApiProperty({ example: 'vk_k3x9q2mf7a1b_…', description: 'Shown exactly once.' }) fullApiKey!: string;

  static withSecret(key: ApiKey, fullApiKey: string): ApiKeyWithSecretResponse {
    return { ...ApiKeyResponse.of(key), fullApiKey };
  }
}

export class ApiKeyPage {
  @ApiProperty({ type: [ApiKeyResponse] }) data!: ApiKeyResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ApiKeyTokenRequest {
  @ApiPropertyOptional({ example: 'vk_k3x9q2mf7a1b_…', description: 'Or send `Authorization: ApiKey vk_…`.' })
  @IsOptional() @IsString() @MaxLength(200)
  apiKey?: string;
}
