import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, IsUUID } from 'class-validator';
import { PageQuery } from '../../platform/http/pagination/page-query.dto.js';
import { Satisfies, whenString, IsOmittable } from '../../platform/validation/validators.js';
import { isShareCode, licenceKind, normaliseLicenceNumber, normaliseShareCode } from '../../platform/validation/licence-number.js';
import { LICENCE_SOURCES, LICENCE_STATUSES, type LicenceCheck, type LicenceSource, type LicenceStatus } from '../licence-check.entity.js';

export class CreateLicenceCheckRequest {
  @ApiProperty({ example: 'MORGA753116SM9IJ', description: 'GB licence number (16 characters). Northern Ireland numbers (8 digits) → 422 ni_licence_unsupported.' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normaliseLicenceNumber(value) : value))
  @IsString()
  @Satisfies('licenceNumber', whenString((value) => licenceKind(value) !== null),
    'must be a GB licence number: 5 surname characters (padded with 9), 6 digits of a real date of birth, 2 initials, a digit and 2 check characters')
  licenceNumber!: string;

  @ApiProperty({ example: 'Ab3dE7gH', description: 'The driver\'s DVLA share code: 8 case-sensitive letters and digits. Never stored or logged.' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normaliseShareCode(value) : value))
  @IsString() @Satisfies('shareCode', whenString(isShareCode), 'must be 8 letters and digits')
  shareCode!: string;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOmittable() @IsUUID()
  customerId?: string;
}

export class ListLicenceChecksQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOmittable() @IsUUID()
  customerId?: string;
}

export class EndorsementResponse {
  @ApiProperty({ example: 'SP30' }) code!: string;
  @ApiProperty({ example: 3 }) points!: number;
  @ApiProperty({ format: 'date' }) offenceDate!: string;
  @ApiProperty({ format: 'date' }) expiresAt!: string;
}

export class LicenceWarningResponse {
  @ApiProperty({ enum: ['licence_mismatch'] }) code!: 'licence_mismatch';
  @ApiProperty() message!: string;
}

export class LicenceCheckResponse {
  @ApiProperty() id!: string;
  @ApiProperty() licenceNumber!: string;
  @ApiProperty({ type: String, nullable: true }) customerId!: string | null;
  @ApiProperty() checkedAt!: string;
  @ApiProperty({ enum: LICENCE_STATUSES }) status!: LicenceStatus;
  @ApiProperty({ type: [String], example: ['AM', 'B', 'BE'] }) categories!: string[];
  @ApiProperty({ type: [EndorsementResponse] }) endorsements!: EndorsementResponse[];
  @ApiProperty() penaltyPoints!: number;
  @ApiProperty({ description: 'Points reached the flag threshold, or the licence is not valid.' }) flagged!: boolean;
  @ApiProperty({ enum: LICENCE_SOURCES, description: '`simulated` until a DVLA contract is configured: the answer is not the DVLA\'s.' }) source!: LicenceSource;
  @ApiProperty({ type: [LicenceWarningResponse], description: '`licence_mismatch` when the customer\'s licence on file has another number.' }) warnings!: LicenceWarningResponse[];

  static of(check: LicenceCheck): LicenceCheckResponse {
    return {
      id: check.id,
      licenceNumber: check.licenceNumber,
      customerId: check.customerId,
      checkedAt: check.checkedAt.toISOString(),
      status: check.status,
      categories: check.categories,
      endorsements: check.endorsements,
      penaltyPoints: check.penaltyPoints,
      flagged: check.flagged,
      source: check.source,
      warnings: check.warnings,
    };
  }
}
