/**
 * Every `code` a client can receive, with its HTTP status, title, and the two sentences its
 * `/problems/{slug}` page shows (when it happens, what to do). The contract's error table lives here
 * and nowhere else; `satisfies` makes a code without an entry a compile error.
 */
export const PROBLEM_CODES = {
  validation_failed: {
    status: 400, title: 'Validation failed',
    when: 'The request body, query or path is not what the operation accepts: malformed JSON, a wrong type, an unknown or missing property, NUL characters or unpaired UTF-16 surrogates in a string, JSON nested deeper than 32 levels, or an array longer than its documented maximum.',
    action: 'Read `errors[]`: each entry names the offending `field` and says what is wrong. Fix those fields and send the request again.',
  },
  malformed_api_key: {
    status: 400, title: 'Malformed API key',
    when: 'The token exchange received no API key, or a string that is not of the form `vk_{publicId}_{secret}`.',
    action: 'Send the full key exactly as it was shown at creation, as `Authorization: ApiKey vk_…` or in the body as `{"apiKey": "vk_…"}`.',
  },
  unauthenticated: {
    status: 401, title: 'Authentication required',
    when: 'The operation needs credentials and the request carried none.',
    action: 'Send `Authorization: Bearer <token>` with a user access token, an API key or a key access token.',
  },
  invalid_credentials: {
    status: 401, title: 'Invalid credentials',
    when: 'The key, token, password or refresh token is unknown, wrong or expired.',
    action: 'Sign in again or use a current key. A refresh token can be used once only.',
  },
  api_key_revoked: {
    status: 401, title: 'API key revoked',
    when: 'The key was revoked, or this secret was replaced by a rotation.',
    action: 'Use the key\'s current secret, or ask an owner or admin for a new key.',
  },
  api_key_expired: {
    status: 401, title: 'API key expired',
    when: 'The key is past its `expiresAt`.',
    action: 'Ask an owner or admin to extend the key\'s expiry or to create a new key.',
  },
  insufficient_credits: {
    status: 402, title: 'Insufficient credits',
    when: 'The operation costs credits and the company\'s balance is too low.',
    action: 'An owner can buy credits with `POST /v1/credits/top-ups`; then retry.',
  },
  key_credit_limit_reached: {
    status: 402, title: 'Key credit limit reached',
    when: 'The key has spent its own daily credit cap (`limit`, `spentToday`).',
    action: 'Wait for the next UTC day, or ask an owner or admin to raise the key\'s `dailyCreditLimit`.',
  },
  insufficient_scope: {
    status: 403, title: 'Insufficient scope',
    when: 'The key lacks a scope the operation requires (`requiredScopes`, `grantedScopes`).',
    action: 'Create a key with the required scope; scopes of an existing key never change.',
  },
  role_forbidden: {
    status: 403, title: 'Role forbidden',
    when: 'Your role does not allow this operation.',
    action: 'Ask an owner of the company to do it, or to change your role.',
  },
  user_token_required: {
    status: 403, title: 'User token required',
    when: 'An API key or a key token called a management endpoint.',
    action: 'Sign in as a person (`POST /v1/auth/login`) and use that access token.',
  },
  ip_not_allowed: {
    status: 403, title: 'IP not allowed',
    when: 'The request came from an address (`ip`) outside the key\'s or the company\'s allowlist.',
    action: 'Call from an allowed address, or ask an owner or admin to add yours to the allowlist.',
  },
  api_disabled: {
    status: 403, title: 'API access disabled',
    when: 'The company has API access turned off; keys and key tokens are refused.',
    action: 'An owner can turn API access on with `PUT /v1/account/api-access`.',
  },
  not_found: {
    status: 404, title: 'Not found',
    when: 'The record or route does not exist, or it belongs to another company.',
    action: 'Check the id and the path.',
  },
  method_not_allowed: {
    status: 405, title: 'Method not allowed',
    when: 'The path exists but not with this HTTP method.',
    action: 'Use one of the methods listed in the `Allow` header.',
  },
  request_timeout: {
    status: 408, title: 'Request timeout',
    when: 'The request\'s headers or body did not arrive in time; the connection was closed.',
    action: 'Send the whole request promptly, on a new connection.',
  },
  conflict: {
    status: 409, title: 'Conflict',
    when: 'The request conflicts with the record\'s current state.',
    action: 'Read the record again and decide whether the request still makes sense.',
  },
  vehicle_exists: {
    status: 409, title: 'Vehicle exists',
    when: 'The company already has a vehicle with this registration.',
    action: 'Use the existing vehicle (`GET /v1/vehicles?registration=`).',
  },
  not_signed_off: {
    status: 409, title: 'Not signed off',
    when: 'The report of a draft inspection was requested.',
    action: 'Sign the inspection off first (`POST /v1/inspections/{id}/sign-off`).',
  },
  idempotency_in_progress: {
    status: 409, title: 'Idempotent request in progress',
    when: 'A request with the same `Idempotency-Key` is still running.',
    action: 'Wait a moment and retry with the same key and body: you will get its response.',
  },
  payload_too_large: {
    status: 413, title: 'Payload too large',
    when: 'The request body is larger than the service accepts.',
    action: 'Send a smaller body.',
  },
  uri_too_long: {
    status: 414, title: 'URI too long',
    when: 'The URL or one of its path parameters is longer than the service accepts.',
    action: 'Check the path: ids are UUIDs and key ids are short.',
  },
  unsupported_media_type: {
    status: 415, title: 'Unsupported media type',
    when: 'The request body is not JSON.',
    action: 'Send the body as JSON with `Content-Type: application/json`.',
  },
  idempotency_key_reused: {
    status: 422, title: 'Idempotency key reused',
    when: 'An `Idempotency-Key` was reused with a different request body.',
    action: 'Use a new key for a new request.',
  },
  ni_licence_unsupported: {
    status: 422, title: 'Northern Ireland licence unsupported',
    when: 'A Northern Ireland licence number was submitted; those checks are not yet available.',
    action: 'Check the licence with the DVA directly.',
  },
  share_code_invalid: {
    status: 422, title: 'Share code invalid',
    when: 'The DVLA share code is wrong, expired or does not belong to this licence.',
    action: 'Ask the driver for a fresh share code.',
  },
  rate_limited: {
    status: 429, title: 'Rate limited',
    when: 'Too many requests, or too many failed sign-ins, in a short time.',
    action: 'Wait the number of seconds in `Retry-After`, then retry.',
  },
  headers_too_large: {
    status: 431, title: 'Request headers too large',
    when: 'The request\'s headers are larger than the service accepts.',
    action: 'Send fewer or shorter headers (cookies are a common cause).',
  },
  internal_error: {
    status: 500, title: 'Internal error',
    when: 'Something went wrong on our side.',
    action: 'Retry later; if it persists, contact support with the `requestId`.',
  },
  dependency_unavailable: {
    status: 503, title: 'Dependency unavailable',
    when: 'The database or a required upstream is unavailable, or this instance is shutting down. The request had no effect.',
    action: 'Retry shortly.',
  },
} as const satisfies Record<string, { status: number; title: string; when: string; action: string }>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

export interface FieldError {
  field: string;
  message: string;
}

/** `/problems/{slug}`: the code with dashes. */
export const problemSlug = (code: ProblemCode): string => code.replaceAll('_', '-');
