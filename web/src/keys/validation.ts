import { type FieldErrors, withoutEmpty } from '../auth/validation.js';

const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}(\/\d{1,2})?$/;
const IPV6 = /^[0-9a-f:.]+(\/\d{1,3})?$/i;

/** One entry per line (commas also accepted), trimmed, blanks dropped. */
export function parseAllowlist(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** A first check of IP/CIDR entries; the server has the last word (and reports the entry it refuses). */
export function checkAllowlist(entries: string[]): string | undefined {
  if (entries.length > 100) return 'Use at most 100 entries.';
  const bad = entries.find((entry) => entry.length > 64 || !(IPV4.test(entry) || (entry.includes(':') && IPV6.test(entry))));
  return bad ? `“${bad}” is not an IP address or CIDR range (e.g. 203.0.113.0/24 or 2001:db8::/32).` : undefined;
}

export function checkKeyName(name: string): string | undefined {
  if (!name.trim()) return 'Give the key a name.';
  if (name.trim().length > 100) return 'Use at most 100 characters.';
  return undefined;
}

export function checkCreditCap(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  if (!/^\d+$/.test(value.trim())) return 'Enter a whole number of credits (0 or more), or leave it empty for no cap.';
  if (Number(value) > 1_000_000) return 'Use at most 1,000,000.';
  return undefined;
}

export interface KeyFormInput {
  name: string;
  description: string;
  allowlist: string;
  creditCap: string;
  scopeCount: number;
  /** undefined: the chosen date is not valid */
  expiresAt: string | null | undefined;
}

export function validateKeyForm(input: KeyFormInput): FieldErrors {
  return withoutEmpty({
    name: checkKeyName(input.name),
    description: input.description.length > 500 ? 'Use at most 500 characters.' : undefined,
    scopes: input.scopeCount === 0 ? 'Choose at least one scope.' : undefined,
    ipAllowlist: checkAllowlist(parseAllowlist(input.allowlist)),
    dailyCreditLimit: checkCreditCap(input.creditCap),
    expiresAt: input.expiresAt === undefined ? 'Choose a date in the future.' : undefined,
  });
}

/** The secret a create or rotation shows once; only an idempotent replay (which the console never sends) omits it. */
export function shownSecret(fullApiKey: string | undefined): string {
  if (!fullApiKey) throw new Error('The server did not return the new secret; create or rotate the key again.');
  return fullApiKey;
}
