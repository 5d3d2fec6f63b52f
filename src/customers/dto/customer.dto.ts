import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { normaliseEmail } from '../../identity/sessions/dto/auth.dto.js';
import { PageQuery } from '../../platform/http/pagination/page-query.dto.js';
import { licenceKind, normaliseLicenceNumber } from '../../platform/validation/licence-number.js';
import { Satisfies, trimString, whenString, IsOmittable, MaxLength } from '../../platform/validation/validators.js';
import { isIsoDate, normalisePhone, normaliseUkPostcode } from '../contact.js';
import type { Customer, CustomerAddress, LicenceCheckSummary, LicenceOnFile } from '../customer.entity.js';

/** DVLA licence categories; the old sub-categories (f, g, h, k, l, n, p, q) are lower case. */
export const DRIVING_CATEGORIES = [
  'AM', 'A1', 'A2', 'A', 'B1', 'B', 'BE', 'C1', 'C1E', 'C', 'CE', 'D1', 'D1E', 'D', 'DE',
  'f', 'g', 'h', 'k', 'l', 'n', 'p', 'q',
] as const;

const normaliseCategory = (value: unknown) =>
  typeof value !== 'string' ? value : /^[fghklnpq]$/i.test(value.trim()) ? value.trim().toLowerCase() : value.trim().toUpperCase();
const keepInvalid = (normalise: (value: string) => string | null) => ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (normalise(value) ?? value) : value;
const isPastDate = (value: string) => isIsoDate(value) && value >= '1900-01-01' && value < new Date().toISOString().slice(0, 10);
const presentOrNull = (_: object, value: unknown) => value !== undefined;

export class AddressDto {
  @ApiProperty({ example: '1 High Street' }) @Transform(trimString) @IsString() @MinLength(1) @MaxLength(200)
  line1!: string;

  @ApiPropertyOptional() @IsOmittable() @Transform(trimString) @IsString() @MaxLength(200)
  line2?: string;

  @ApiPropertyOptional({ example: 'Leeds' }) @IsOmittable() @Transform(trimString) @IsString() @MaxLength(100)
  city?: string;

  @ApiPropertyOptional({ example: 'LS1 4AP', description: 'Validated and normalised when the country is GB.' })
  @IsOmittable() @IsString() @MaxLength(16)
  @ValidateIf((address: AddressDto) => (address.country ?? 'GB') === 'GB')
  @Transform(keepInvalid(normaliseUkPostcode))
  @Satisfies('ukPostcode', whenString((value) => normaliseUkPostcode(value) !== null), 'must be a UK postcode')
  postcode?: string;

  @ApiPropertyOptional({ example: 'GB', default: 'GB', description: 'ISO 3166-1 alpha-2.' })
  @IsOmittable() @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @Matches(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 country code' })
  country?: string;
}

export class LicenceOnFileDto {
  @ApiProperty({ example: 'MORGA753116SM9IJ', description: 'GB (16 characters) or Northern Ireland (8 digits).' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normaliseLicenceNumber(value) : value))
  @IsString()
  @Satisfies('licenceNumber', whenString((value) => licenceKind(value) !== null), 'must be a GB (16 characters) or Northern Ireland (8 digits) licence number')
  number!: string;

  @ApiPropertyOptional({ example: '2031-05-01', format: 'date' })
  @IsOmittable() @Satisfies('isoDate', whenString(isIsoDate), 'must be a date YYYY-MM-DD')
  expiresAt?: string;

  @ApiPropertyOptional({ type: [String], enum: DRIVING_CATEGORIES, example: ['B', 'BE'] })
  @IsOmittable() @IsArray() @ArrayMaxSize(DRIVING_CATEGORIES.length)
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value.map(normaliseCategory) : value))
  @IsIn(DRIVING_CATEGORIES, { each: true })
  categories?: string[];
}

export class CreateCustomerRequest {
  @ApiProperty({ example: 'Jo Bloggs' }) @Transform(trimString) @IsString() @MinLength(1) @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'email', example: 'jo@example.co.uk' }) @IsOptional() @Transform(normaliseEmail) @IsEmail() @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '+447700900123', description: 'E.164, or a UK number (stored as E.164).' })
  @IsOptional() @IsString() @Transform(keepInvalid(normalisePhone))
  @Matches(/^\+[1-9]\d{7,14}$/, { message: 'must be a UK or E.164 phone number' })
  phone?: string | null;

  @ApiPropertyOptional({ type: AddressDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => AddressDto)
  address?: AddressDto | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '1990-04-21', format: 'date' })
  @IsOptional() @Satisfies('pastDate', whenString(isPastDate), 'must be a past date YYYY-MM-DD')
  dateOfBirth?: string | null;

  @ApiPropertyOptional({ type: LicenceOnFileDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => LicenceOnFileDto)
  licence?: LicenceOnFileDto | null;
}

/** Only the given properties change; `null` clears an optional one. */
export class UpdateCustomerRequest extends CreateCustomerRequest {
  @ApiPropertyOptional({ example: 'Jo Bloggs' })
  @ValidateIf(presentOrNull) @Transform(trimString) @IsString() @MinLength(1) @MaxLength(200)
  declare name: string;
}

export class ListCustomersQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Exact e-mail (case-insensitive).' })
  @IsOmittable() @Transform(normaliseEmail) @IsString() @MaxLength(320)
  email?: string;
}

export class LicenceCheckSummaryResponse {
  @ApiProperty() id!: string;
  @ApiProperty() checkedAt!: string;
  @ApiProperty({ enum: ['valid', 'expired', 'revoked', 'disqualified'] }) status!: string;
  @ApiProperty() penaltyPoints!: number;
  @ApiProperty() flagged!: boolean;
}

/** An address on file: what was not given is null, the country defaults to GB. */
export class AddressResponse {
  @ApiProperty({ example: '1 High Street' }) line1!: string;
  @ApiProperty({ type: String, nullable: true }) line2!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Leeds' }) city!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'LS1 4AP' }) postcode!: string | null;
  @ApiProperty({ example: 'GB' }) country!: string;
}

export class LicenceOnFileResponse {
  @ApiProperty({ example: 'MORGA753116SM9IJ' }) number!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) expiresAt!: string | null;
  @ApiProperty({ type: [String], example: ['B', 'BE'] }) categories!: string[];
}

export class CustomerResponse {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ type: String, nullable: true }) phone!: string | null;
  @ApiProperty({ type: AddressResponse, nullable: true }) address!: CustomerAddress | null;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) dateOfBirth!: string | null;
  @ApiProperty({ type: LicenceOnFileResponse, nullable: true }) licence!: LicenceOnFile | null;
  @ApiProperty({ type: LicenceCheckSummaryResponse, nullable: true, description: 'The newest licence check of this customer.' })
  latestLicenceCheck!: LicenceCheckSummary | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(customer: Customer): CustomerResponse {
    return {
      id: customer.id,
      name: customer.name,
      email: customer.email,
      phone: customer.phone,
      address: customer.address,
      dateOfBirth: customer.dateOfBirth,
      licence: customer.licence,
      latestLicenceCheck: customer.latestLicenceCheck,
      createdAt: customer.createdAt.toISOString(),
      updatedAt: customer.updatedAt.toISOString(),
    };
  }
}
