import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { PageQuery } from '../../platform/http/pagination/page-query.dto.js';
import { MaxLength } from '../../platform/validation/validators.js';
import { type CreditLedgerEntry, LEDGER_REASONS, type LedgerReason } from '../credit-ledger-entry.entity.js';

export const CREDIT_UNIT_PRICE = { amount: '1.00', currency: 'GBP' } as const;

export class MoneyResponse {
  @ApiProperty({ example: '1.00', description: 'Decimal string, never a float.' }) amount!: string;
  @ApiProperty({ example: 'GBP' }) currency!: string;
}

export class CreditsResponse {
  @ApiProperty() balance!: number;
  @ApiProperty({ type: MoneyResponse }) unitPrice!: MoneyResponse;
  @ApiProperty({ description: '`credits.low` fires when the balance drops below this.' }) lowBalanceThreshold!: number;

  static of(company: { creditBalance: number; lowBalanceThreshold: number }): CreditsResponse {
    return { balance: company.creditBalance, unitPrice: { ...CREDIT_UNIT_PRICE }, lowBalanceThreshold: company.lowBalanceThreshold };
  }
}

export class LedgerActorResponse {
  @ApiProperty({ enum: ['user', 'api_key', 'system'] }) type!: 'user' | 'api_key' | 'system';
  @ApiProperty({ type: String, nullable: true }) id!: string | null;
  @ApiProperty() name!: string;
  @ApiPropertyOptional() publicId?: string;
}

export class LedgerEntryResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'Positive for welcome credits, top-ups and refunds; negative for spending.' }) delta!: number;
  @ApiProperty() balanceAfter!: number;
  @ApiProperty({ enum: LEDGER_REASONS }) reason!: LedgerReason;
  @ApiPropertyOptional({ type: String, nullable: true }) resourceType!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) resourceId!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) paymentReference!: string | null;
  @ApiProperty({ type: LedgerActorResponse }) actor!: LedgerActorResponse;
  @ApiProperty() createdAt!: string;

  static of(entry: CreditLedgerEntry): LedgerEntryResponse {
    return {
      id: entry.id,
      delta: entry.delta,
      balanceAfter: entry.balanceAfter,
      reason: entry.reason,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId,
      paymentReference: entry.paymentReference,
      actor: entry.actor,
      createdAt: entry.createdAt.toISOString(),
    };
  }
}

export class LedgerPageResponse {
  @ApiProperty({ type: [LedgerEntryResponse] }) data!: LedgerEntryResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class TopUpRequest {
  @ApiProperty({ minimum: 1, maximum: 100_000, example: 500 }) @IsInt() @Min(1) @Max(100_000)
  credits!: number;

  @ApiProperty({ description: 'The payment provider\'s reference for this purchase.', example: 'pi_3Q0abc' })
  @IsString() @MaxLength(200) @Matches(/\S/, { message: 'paymentReference must not be blank' })
  paymentReference!: string;
}

/** The ledger's filters; `actor` works as the audit log's does (a user id, or a key's publicId). */
export class LedgerQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LEDGER_REASONS, description: 'Only entries with this reason.' })
  @IsOptional() @IsIn(LEDGER_REASONS)
  reason?: LedgerReason;

  @ApiPropertyOptional({ description: 'Only entries by this actor: a user id, or an API key\'s publicId (as shown in the key list).', example: 'k3x9q2mf7a1b' })
  @IsOptional() @IsString() @MaxLength(64) @Matches(/^[A-Za-z0-9-]+$/, { message: 'actor must be a user id or an API key publicId' })
  actor?: string;
}
