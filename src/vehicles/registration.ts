/**
 * UK registration marks and VINs. A registration is normalised (upper case, no whitespace) and must
 * match one of the formats DVLA has issued:
 * - current (2001–): two letters, age identifier (02–, 51–), three letters — AB12CDE; no I or Q;
 * - prefix (1983–2001): age letter, 1–3 digits, three letters — A123BCD;
 * - suffix (1963–1983): three letters, 1–3 digits, age letter — ABC123D;
 * - Q plates (vehicles of unknown age): Q, 1–3 digits, three letters — Q123ABC;
 * - Northern Ireland: up to three letters whose county code contains I or Z, then up to 4 digits — ABZ1234;
 * - dateless (pre-1963): 1–4 digits and 1–3 letters in either order — 1234AB, ABC123.
 * Age letters never use I, O, Q, U or Z.
 */
export type RegistrationFormat = 'current' | 'prefix' | 'suffix' | 'q_plate' | 'northern_ireland' | 'dateless';

const LETTER = 'A-HJ-PR-Z';
const AGE_LETTER = 'A-HJ-NPR-TV-Y';
const NUMBER_1_TO_999 = '[1-9][0-9]{0,2}';
const NUMBER_1_TO_9999 = '[1-9][0-9]{0,3}';

const FORMATS: ReadonlyArray<readonly [RegistrationFormat, RegExp]> = [
  ['current', new RegExp(`^[${LETTER}]{2}(0[2-9]|[1-4][0-9]|5[1-9]|[6-9][0-9])[${LETTER}]{3}$`)],
  ['prefix', new RegExp(`^[${AGE_LETTER}]${NUMBER_1_TO_999}[${LETTER}]{3}$`)],
  ['suffix', new RegExp(`^[${LETTER}]{3}${NUMBER_1_TO_999}[${AGE_LETTER}]$`)],
  ['q_plate', new RegExp(`^Q${NUMBER_1_TO_999}[A-Z]{3}$`)],
  ['northern_ireland', new RegExp(`^[A-Z]?([A-Z][IZ]|[IZ][A-Z])${NUMBER_1_TO_9999}$`)],
  ['dateless', new RegExp(`^(${NUMBER_1_TO_9999}[A-Z]{1,3}|[A-Z]{1,3}${NUMBER_1_TO_9999})$`)],
];

const MAX_LENGTH = 7;

export function normaliseRegistration(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/** The format of an already normalised registration, or null when it is not a UK registration. */
export function registrationFormat(normalised: string): RegistrationFormat | null {
  if (normalised.length === 0 || normalised.length > MAX_LENGTH) return null;
  return FORMATS.find(([, pattern]) => pattern.test(normalised))?.[0] ?? null;
}

export function isUkRegistration(value: string): boolean {
  return registrationFormat(normaliseRegistration(value)) !== null;
}

/** 17 characters, digits and capitals without I, O and Q (ISO 3779). */
const VIN = /^[A-HJ-NPR-Z0-9]{17}$/;

export function normaliseVin(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

export function isVin(value: string): boolean {
  return VIN.test(normaliseVin(value));
}
