/**
 * Every action the audit log can hold, with what it means: `GET /v1/audit-logs/actions` serves this
 * list, and `@Audited()` accepts only its names, so the catalogue cannot miss an audited operation.
 */
export const AUDIT_ACTIONS = {
  'auth.signup': 'A person signed up, creating the company and its owner.',
  'auth.login': 'A user signed in with e-mail and password.',
  'auth.login_failed': 'A sign-in with an existing user\'s e-mail failed (wrong password).',
  'auth.refresh_reuse_detected': 'A spent refresh token was presented again; its token family was revoked.',
  'account.api_access.update': 'API access for the company was turned on or off.',
  'account.ip_allowlist.update': 'The company IP allowlist was changed.',
  'user.create': 'A team member was added.',
  'user.update': 'A team member\'s name or role was changed.',
  'user.remove': 'A team member was removed (their API keys are revoked with them).',
  'api_key.create': 'An API key was created.',
  'api_key.update': 'An API key\'s name, description, allowlist, expiry or daily credit cap was changed.',
  'api_key.rotate': 'An API key\'s secret was replaced.',
  'api_key.revoke': 'An API key was revoked, by a person or because its creator was removed.',
  'credits.top_up': 'Credits were added to the balance.',
  'vehicle.create': 'A vehicle was added.',
  'vehicle.update': 'A vehicle was changed.',
  'vehicle.archive': 'A vehicle was archived.',
  'vehicle.refresh_lookup': 'A vehicle\'s DVLA and MOT data was looked up again.',
  'customer.create': 'A customer was added.',
  'customer.update': 'A customer was changed.',
  'licence_check.create': 'A driver licence check was run.',
  'inspection.create': 'An inspection was created (1 credit).',
  'inspection.sign_off': 'An inspection was signed off.',
  'agreement.create': 'A rental agreement was created (1 credit).',
  'agreement.sign': 'A rental agreement was signed.',
  'webhook.create': 'A webhook endpoint was registered.',
  'webhook.update': 'A webhook endpoint\'s URL, events, description or enabled state was changed.',
  'webhook.delete': 'A webhook endpoint was deleted.',
  'webhook.rotate_secret': 'A webhook endpoint\'s signing secret was replaced.',
  'webhook.test': 'A test event was sent to a webhook endpoint.',
  'audit.checkpoint': 'A signed checkpoint of the audit log was made on demand.',
  'webhook.retry_delivery': 'A webhook delivery was sent again.',
  'webhook.recover': 'The failed deliveries of a webhook endpoint since a given time were sent again.',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
