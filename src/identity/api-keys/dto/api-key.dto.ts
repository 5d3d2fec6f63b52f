import { ApiHideProperty, ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
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
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { IsOmittable, Satisfies, MaxLength } from '../../../platform/validation/validators.js';
import { PageQuery } from '../../../platform/http/pagination/page-query.dto.js';
import { ALL_SCOPES, expandScopes, PRESETS, type PresetName, type Role, ROLE_SCOPES, ROLES, type Scope } from '../../scopes/scope-catalogue.js';
import { API_KEY_STATUSES, type ApiKey, type ApiKeyStatus, type RevokedReason } from '../api-key.entity.js';

const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** `"203.0.113.7, 2001:db8::/32"` → `["203.0.113.7", "2001:db8::/32"]`; arrays pass through. */
const commaList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((entry) => entry.trim()).filter(Boolean) : value;
const booleanQuery = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export const MAX_GRACE_PERIOD_SECONDS = 86_400;
export const MAX_DAILY_CREDIT_LIMIT = 1_000_000;
const ALLOWLIST_DOC: ApiPropertyOptions = {
  oneOf: [{ type: 'array', items: { type: 'string' }, maxItems: 100 }, { type: 'string' }],
  description: 'IPv4/IPv6 addresses or CIDR ranges, as an array or one comma-separated string; empty = any IP.',
};

export class CreateApiKeyRequest {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Depot tablet integration' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOmittable() @IsString() @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ enum: ALL_SCOPES, isArray: true, description: 'With or instead of `preset`; at least one scope in all.' })
  @IsOmittable() @IsArray() @ArrayMaxSize(ALL_SCOPES.length * 2)
  @IsIn(ALL_SCOPES, { each: true, message: 'each value in scopes must be a known scope (see GET /v1/scopes)' })
  scopes?: Scope[];

  @ApiPropertyOptional({ enum: PRESET_NAMES, example: 'read-only' })
  @IsOmittable() @IsIn(PRESET_NAMES, { message: `preset must be one of ${PRESET_NAMES.join(', ')}` })
  preset?: PresetName;

  @ApiPropertyOptional({ example: '2030-01-01T00:00:00Z', description: 'ISO 8601; must be in the future.' })
  @IsOmittable() @IsISO8601({ strict: true })
  expiresAt?: string;

  @ApiPropertyOptional({ ...ALLOWLIST_DOC, example: [] })
  @IsOmittable() @Transform(commaList) @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(64, { each: true })
  ipAllowlist?: string[];

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_DAILY_CREDIT_LIMIT, nullable: true, example: 50, description: 'Credits this key may spend per UTC day; omitted or null = no cap.' })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_DAILY_CREDIT_LIMIT)
  dailyCreditLimit?: number | null;
}

const fixedAtCreation = (field: string) =>
  Satisfies('fixedAtCreation', () => false, `${field} cannot change: a key's scopes are fixed when it is created; create a new key instead`);
const present = (_: object, value: unknown) => value !== undefined;

/** Every property optional; `null` clears `description`, `expiresAt` and `dailyCreditLimit`. Scopes never change. */
export class UpdateApiKeyRequest {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100, example: 'Depot tablet integration (north)' })
  @IsOmittable() @Transform(trim) @IsString() @MinLength(1) @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ type: String, maxLength: 500, nullable: true })
  @IsOptional() @IsString() @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ ...ALLOWLIST_DOC, example: [] })
  @IsOmittable() @Transform(commaList) @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(64, { each: true })
  ipAllowlist?: string[];

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, example: '2030-01-01T00:00:00Z', description: 'ISO 8601 in the future, or null for no expiry.' })
  @IsOptional() @IsISO8601({ strict: true })
  expiresAt?: string | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_DAILY_CREDIT_LIMIT, nullable: true, example: 100 })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_DAILY_CREDIT_LIMIT)
  dailyCreditLimit?: number | null;

  @ApiHideProperty() @ValidateIf(present) @fixedAtCreation('scopes')
  scopes?: unknown;

  @ApiHideProperty() @ValidateIf(present) @fixedAtCreation('preset')
  preset?: unknown;
}

export class ListApiKeysQuery extends PageQuery {
  @ApiPropertyOptional({ default: false })
  @IsOmittable() @Transform(booleanQuery) @IsBoolean()
  includeRevoked: boolean = false;

  @ApiPropertyOptional({ enum: API_KEY_STATUSES, description: 'Only keys in this status (REVOKED implies includeRevoked).' })
  @IsOptional() @IsIn(API_KEY_STATUSES)
  status?: ApiKeyStatus;

  @ApiPropertyOptional({ maxLength: 100, description: 'Case-insensitive substring of the name or description.' })
  @IsOptional() @IsString() @MaxLength(100)
  q?: string;
}

export class RevokeApiKeyRequest {
  @ApiProperty({ example: 'k3x9q2mf7a1b' })
  @IsString() @MaxLength(32)
  publicId!: string;
}

export class RotateApiKeyRequest {
  @ApiPropertyOptional({ minimum: 0, maximum: MAX_GRACE_PERIOD_SECONDS, description: 'How long the old secret keeps working.' })
  @IsOmittable() @IsInt() @Min(0) @Max(MAX_GRACE_PERIOD_SECONDS)
  gracePeriodSeconds?: number;
}

/** Who created a key, as they are now (a removed creator keeps their name and last role). */
export class ApiKeyCreator {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiHideProperty() removed?: boolean;
}

export class ApiKeyResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'k3x9q2mf7a1b' }) publicId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ enum: ALL_SCOPES, isArray: true }) scopes!: Scope[];
  @ApiProperty({ enum: ALL_SCOPES, isArray: true, description: 'The scopes expanded by the hierarchy and cut to the creator\'s current role: what the key can do now.' })
  effectiveScopes!: Scope[];
  @ApiProperty({ enum: API_KEY_STATUSES }) status!: ApiKeyStatus;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: [String] }) ipAllowlist!: string[];
  @ApiProperty({ type: 'integer', nullable: true }) dailyCreditLimit!: number | null;
  @ApiProperty({ format: 'uuid', description: 'Id of the user who created the key.' }) createdBy!: string;
  @ApiProperty({ type: () => ApiKeyCreator }) creator!: ApiKeyCreator;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Fresh to the minute.' }) lastUsedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastUsedIp!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) rotatedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Until when the secret before the last rotation still works (a grace period); null when it does not.' })
  previousSecretExpiresAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
  @ApiProperty({ type: String, enum: ['revoked', 'creator_removed', null], nullable: true }) revokedReason!: RevokedReason | null;

  static of(key: ApiKey, creator: ApiKeyCreator): ApiKeyResponse {
    const iso = (date: Date | null) => date?.toISOString() ?? null;
    const allowed = creator.removed ? new Set<Scope>() : ROLE_SCOPES[creator.role];
    const inGrace = key.previousSecretValidUntil !== null && key.previousSecretValidUntil.getTime() > Date.now();
    return {
      id: key.id,
      publicId: key.publicId,
      name: key.name,
      description: key.description,
      scopes: key.scopes,
      effectiveScopes: ALL_SCOPES.filter((scope) => allowed.has(scope) && expandScopes(key.scopes).has(scope)),
      status: key.status(),
      createdAt: key.createdAt.toISOString(),
      expiresAt: iso(key.expiresAt),
      ipAllowlist: key.ipAllowlist,
      dailyCreditLimit: key.dailyCreditLimit,
      createdBy: key.createdBy,
      creator: { id: creator.id, name: creator.name, role: creator.role },
      lastUsedAt: iso(key.lastUsedAt),
      lastUsedIp: key.lastUsedIp,
      rotatedAt: iso(key.rotatedAt),
      previousSecretExpiresAt: inGrace ? iso(key.previousSecretValidUntil) : null,
      revokedAt: iso(key.revokedAt),
      revokedReason: key.revokedAt ? (key.revokedReason ?? 'revoked') : null,
    };
  }
}

export class ApiKeyWithSecretResponse extends ApiKeyResponse {
  @ApiProperty({
    required: false,
    example: 'vk_k3x9q2mf7a1b_…',
    description: 'Shown exactly once: absent when an idempotent replay answers the creation again.',
  })
  fullApiKey!: string;

  static withSecret(key: ApiKey, creator: ApiKeyCreator, fullApiKey: string): ApiKeyWithSecretResponse {
    return { ...ApiKeyResponse.of(key, creator), fullApiKey };
  }
}

export class ApiKeyPage {
  @ApiProperty({ type: [ApiKeyResponse] }) data!: ApiKeyResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ApiKeyTokenRequest {
  @ApiPropertyOptional({ example: 'vk_k3x9q2mf7a1b_…', description: 'Or send `Authorization: ApiKey vk_…`.' })
  @IsOmittable() @IsString() @MaxLength(200)
  apiKey?: string;
}

export const USAGE_GRANULARITIES = ['hour', 'day'] as const;
export type UsageGranularity = (typeof USAGE_GRANULARITIES)[number];

export class KeyUsageQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'Start (inclusive, rounded down to the bucket). Default: 24 h (hour) or 30 days (day) before `to`.' })
  @IsOptional() @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'End (exclusive). Default: now.' })
  @IsOptional() @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ enum: USAGE_GRANULARITIES, default: 'hour', description: 'At most 31 days by hour, 400 days by day.' })
  @IsOptional() @IsIn(USAGE_GRANULARITIES)
  granularity: UsageGranularity = 'hour';
}

export class KeyUsageBucket {
  @ApiProperty({ format: 'date-time' }) start!: string;
  @ApiProperty({ type: 'integer', description: 'Every request the key or its tokens made.' }) requests!: number;
  @ApiProperty({ type: 'integer', description: '2xx and 3xx.' }) succeeded!: number;
  @ApiProperty({ type: 'integer', description: 'Refused after the key was identified by its secret: revoked, expired, IP, scope, credits, rate limit.' }) denied!: number;
  @ApiProperty({ type: 'integer', description: '5xx.' }) failed!: number;
  @ApiProperty({ type: 'integer' }) creditsSpent!: number;
}

export class KeyUsageResponse {
  @ApiProperty({ example: 'k3x9q2mf7a1b' }) publicId!: string;
  @ApiProperty({ enum: USAGE_GRANULARITIES }) granularity!: UsageGranularity;
  @ApiProperty({ type: [KeyUsageBucket], description: 'Oldest first, empty buckets included. Counts may lag by up to 60 s.' }) data!: KeyUsageBucket[];
}
