import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsObject, IsString, IsUUID, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IsOmittable, MaxLength } from '../../platform/validation/validators.js';
import { PageQuery } from '../../platform/http/pagination/page-query.dto.js';
import { AGREEMENT_STATUSES, type AgreementStatus, type RentalAgreement } from '../rental-agreement.entity.js';

/** Up to 9 digits, optionally two decimals: money travels as a string, never a float. */
export const AMOUNT_PATTERN = /^\d{1,9}(\.\d{2})?$/;
const CURRENCIES: readonly string[] = Intl.supportedValuesOf('currency');

export class MoneyInput {
  @ApiProperty({ example: '45.00', pattern: AMOUNT_PATTERN.source, description: 'Decimal string, never a number.' })
  @IsString() @Matches(AMOUNT_PATTERN, { message: 'amount must be a decimal string like "45.00"' })
  amount!: string;

  @ApiProperty({ example: 'GBP', description: 'ISO 4217 code, upper case.' })
  @IsString() @IsIn(CURRENCIES, { message: 'currency must be an ISO 4217 code such as GBP or EUR' })
  currency!: string;
}

export class CreateAgreementRequest {
  @ApiProperty({ format: 'uuid', example: '0b6f1c2a-4d3e-4f5a-8b9c-1d2e3f4a5b6c' }) @IsUUID()
  vehicleId!: string;

  @ApiProperty({ format: 'uuid', example: '7c8d9e0f-1a2b-4c3d-9e4f-5a6b7c8d9e0f' }) @IsUUID()
  customerId!: string;

  @ApiProperty({ example: '2026-12-01T09:00:00Z' }) @IsISO8601({ strict: true, strictSeparator: true })
  startsAt!: string;

  @ApiProperty({ example: '2026-12-08T09:00:00Z', description: 'After startsAt.' }) @IsISO8601({ strict: true, strictSeparator: true })
  endsAt!: string;

  @ApiProperty({ type: MoneyInput }) @IsObject() @ValidateNested() @Type(() => MoneyInput)
  dailyRate!: MoneyInput;

  @ApiPropertyOptional({ type: MoneyInput, description: 'In the daily rate\'s currency.' })
  @IsOmittable() @IsObject() @ValidateNested() @Type(() => MoneyInput)
  deposit?: MoneyInput;

  @ApiPropertyOptional({ minimum: 0, description: 'Miles allowed over the whole rental.' })
  @IsOmittable() @IsInt() @Min(0) @Max(1_000_000)
  mileageLimit?: number;

  @ApiPropertyOptional({ maxLength: 20_000 }) @IsOmittable() @IsString() @MaxLength(20_000)
  terms?: string;
}

export class SignAgreementRequest {
  @ApiProperty({ example: 'Jo Bloggs' })
  @IsString() @MaxLength(200) @Matches(/\S/, { message: 'signedBy must not be blank' })
  signedBy!: string;
}

export class ListAgreementsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOmittable() @IsUUID()
  vehicleId?: string;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOmittable() @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ enum: AGREEMENT_STATUSES }) @IsOmittable() @IsIn(AGREEMENT_STATUSES)
  status?: AgreementStatus;
}

export class MoneyOutput {
  @ApiProperty({ example: '45.00' }) amount!: string;
  @ApiProperty({ example: 'GBP' }) currency!: string;
}

export class AgreementResponse {
  @ApiProperty() id!: string;
  @ApiProperty() vehicleId!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty() startsAt!: string;
  @ApiProperty() endsAt!: string;
  @ApiProperty({ type: MoneyOutput }) dailyRate!: MoneyOutput;
  @ApiProperty({ type: MoneyOutput, nullable: true }) deposit!: MoneyOutput | null;
  @ApiProperty({ type: Number, nullable: true }) mileageLimit!: number | null;
  @ApiProperty({ type: String, nullable: true }) terms!: string | null;
  @ApiProperty({ enum: AGREEMENT_STATUSES }) status!: AgreementStatus;
  @ApiProperty({ type: String, nullable: true }) signedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) signedAt!: string | null;
  @ApiProperty() createdAt!: string;

  static of(agreement: RentalAgreement): AgreementResponse {
    return {
      id: agreement.id,
      vehicleId: agreement.vehicleId,
      customerId: agreement.customerId,
      startsAt: agreement.startsAt.toISOString(),
      endsAt: agreement.endsAt.toISOString(),
      dailyRate: { amount: agreement.dailyRate, currency: agreement.currency },
      deposit: agreement.deposit === null ? null : { amount: agreement.deposit, currency: agreement.currency },
      mileageLimit: agreement.mileageLimit,
      terms: agreement.terms,
      status: agreement.status,
      signedBy: agreement.signedBy,
      signedAt: agreement.signedAt?.toISOString() ?? null,
      createdAt: agreement.createdAt.toISOString(),
    };
  }
}

export class AgreementPageResponse {
  @ApiProperty({ type: [AgreementResponse] }) data!: AgreementResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
