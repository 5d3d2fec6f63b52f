/** The metadata keys of `@Audited` and `@CreditCost`, apart from the decorators (which bind the interceptor that reads them). */
export const AUDIT_ACTION = 'fleetgate:audit-action';
export const CREDIT_COST = 'fleetgate:credit-cost';
