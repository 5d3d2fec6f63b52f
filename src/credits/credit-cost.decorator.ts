import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const CREDIT_COST = 'fleetgate:credit-cost';

/** Credits a successful call spends; read by the write interceptor and shown as `x-credit-cost`. */
export const CreditCost = (credits: 1) =>
  applyDecorators(SetMetadata(CREDIT_COST, credits), ApiExtension('x-credit-cost', credits));
