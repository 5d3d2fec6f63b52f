/**
 * Every `code` a client can receive, with its HTTP status and title. The contract's error table lives
 * here and nowhere else; `satisfies` makes a code without an entry a compile error.
 */
export const PROBLEM_CODES = {
  validation_failed: { status: 400, title: 'Validation failed' },
  malformed_api_key: { status: 400, title: 'Malformed API key' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  invalid_credentials: { status: 401, title: 'Invalid credentials' },
  api_key_revoked: { status: 401, title: 'API key revoked' },
  api_key_expired: { status: 401, title: 'API key expired' },
  insufficient_credits: { status: 402, title: 'Insufficient credits' },
  key_credit_limit_reached: { status: 402, title: 'Key credit limit reached' },
  insufficient_scope: { status: 403, title: 'Insufficient scope' },
  role_forbidden: { status: 403, title: 'Role forbidden' },
  user_token_required: { status: 403, title: 'User token required' },
  ip_not_allowed: { status: 403, title: 'IP not allowed' },
  api_disabled: { status: 403, title: 'API access disabled' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  vehicle_exists: { status: 409, title: 'Vehicle exists' },
  not_signed_off: { status: 409, title: 'Not signed off' },
  idempotency_in_progress: { status: 409, title: 'Idempotent request in progress' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  idempotency_key_reused: { status: 422, title: 'Idempotency key reused' },
  ni_licence_unsupported: { status: 422, title: 'Northern Ireland licence unsupported' },
  share_code_invalid: { status: 422, title: 'Share code invalid' },
  rate_limited: { status: 429, title: 'Rate limited' },
  internal_error: { status: 500, title: 'Internal error' },
  dependency_unavailable: { status: 503, title: 'Dependency unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

export interface FieldError {
  field: string;
  message: string;
}
