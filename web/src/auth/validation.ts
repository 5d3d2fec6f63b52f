/** Client-side checks mirroring the API's rules, so most mistakes are caught before a round trip. */
export type FieldErrors = Record<string, string | undefined>;

export const PASSWORD_MIN_LENGTH = 12;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkEmail(value: string): string | undefined {
  if (!value.trim()) return 'Enter an e-mail address.';
  if (!EMAIL.test(value.trim())) return 'Enter an e-mail address like name@example.co.uk.';
  return undefined;
}

export function checkPassword(value: string): string | undefined {
  if (value.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (value.length > 200) return 'Use at most 200 characters.';
  return undefined;
}

export function checkName(value: string, what: string, max = 200): string | undefined {
  if (!value.trim()) return `Enter ${what}.`;
  if (value.trim().length > max) return `Use at most ${max} characters.`;
  return undefined;
}

export function validateSignUp(input: { companyName: string; name: string; email: string; password: string }): FieldErrors {
  return withoutEmpty({
    companyName: checkName(input.companyName, 'your company name'),
    name: checkName(input.name, 'your name'),
    email: checkEmail(input.email),
    password: checkPassword(input.password),
  });
}

export function withoutEmpty(errors: FieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(errors).filter(([, message]) => message !== undefined));
}
