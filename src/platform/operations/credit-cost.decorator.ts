import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension, ApiPaymentRequiredResponse } from '@nestjs/swagger';
import type { CreditCostRule } from './operation.js';
import { CREDIT_COST } from './operation-metadata.js';
import { throughWritePipeline } from './write-pipeline.interceptor.js';

export { CREDIT_COST };

/**
 * Credits a successful call spends; read by the write interceptor (which debits them in the write's
 * transaction, with a ledger row naming the created record's `id`) and shown as `x-credit-cost`.
 */
export const CreditCost = (credits: CreditCostRule['credits'], resource: CreditCostRule['resource']) =>
  applyDecorators(
    SetMetadata(CREDIT_COST, { credits, resource } satisfies CreditCostRule),
    throughWritePipeline(),
    ApiExtension('x-credit-cost', credits),
    ApiPaymentRequiredResponse({ description: 'problem+json: insufficient_credits (balance, required), key_credit_limit_reached (limit, spentToday)' }),
  );
