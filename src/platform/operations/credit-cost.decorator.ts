import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension, ApiPaymentRequiredResponse } from '@nestjs/swagger';
import type { CreditResource } from '../../credits/credit-ledger-entry.entity.js';

export const CREDIT_COST = 'fleetgate:credit-cost';

export interface CreditCostRule {
  credits: 1;
  /** What is being paid for: the ledger reason and resource type of the debit. */
  resource: CreditResource;
}

/**
 * Credits a successful call spends; read by the write interceptor (which debits them in the write's
 * transaction, with a ledger row naming the created record's `id`) and shown as `x-credit-cost`.
 */
export const CreditCost = (credits: 1, resource: CreditResource) =>
  applyDecorators(
    SetMetadata(CREDIT_COST, { credits, resource } satisfies CreditCostRule),
    ApiExtension('x-credit-cost', credits),
    ApiPaymentRequiredResponse({ description: 'problem+json: insufficient_credits (balance, required), key_credit_limit_reached (limit, spentToday)' }),
  );
