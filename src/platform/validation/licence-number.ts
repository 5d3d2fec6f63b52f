/**
 * Driving licence numbers. A GB (DVLA) number has 16 characters:
 *  1–5   the first five letters of the surname, padded with 9s (MC/MAC prefixes written MAC);
 *  6     the decade digit of the year of birth;
 *  7–8   the month of birth, plus 50 for women (01–12 or 51–62);
 *  9–10  the day of birth;
 *  11    the year digit of the year of birth;
 *  12–13 the first two initials, padded with 9;
 *  14    an arbitrary digit (usually 9);
 *  15–16 two computer check characters.
 * A Northern Ireland (DVA) number is 8 digits.
 */
export type LicenceKind = 'gb' | 'northern_ireland';

const GB_SHAPE = /^([A-Z]{1,5}9{0,4})(\d)(\d{2})(\d{2})(\d)([A-Z][A-Z9])(\d)([A-Z0-9]{2})$/;
const NI_SHAPE = /^\d{8}$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function normaliseLicenceNumber(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

export interface GbLicenceParts {
  surname: string;
  /** Last two digits of the year of birth (the century is not encoded). */
  yearOfCentury: number;
  month: number;
  day: number;
  female: boolean;
  initials: string;
}

/** The decoded parts of a GB licence number, or null when it is not structurally valid. */
export function parseGbLicenceNumber(normalised: string): GbLicenceParts | null {
  const match = GB_SHAPE.exec(normalised);
  if (!match || match[1].length !== 5) return null;
  const [, surname, decade, encodedMonth, dayText, yearDigit, initials] = match;
  const monthNumber = Number(encodedMonth);
  const female = monthNumber > 50;
  const month = female ? monthNumber - 50 : monthNumber;
  const day = Number(dayText);
  const yearOfCentury = Number(decade) * 10 + Number(yearDigit);
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]) return null;
  // 29 February needs a leap year; with the century unknown, yy % 4 === 0 allows one (1900 is not, 2000 is).
  if (month === 2 && day === 29 && yearOfCentury % 4 !== 0) return null;
  return { surname: surname.replace(/9+$/, ''), yearOfCentury, month, day, female, initials: initials.replace(/9$/, '') };
}

export function licenceKind(normalised: string): LicenceKind | null {
  if (NI_SHAPE.test(normalised)) return 'northern_ireland';
  return parseGbLicenceNumber(normalised) ? 'gb' : null;
}

/** DVLA "check my driving licence" share codes: 8 case-sensitive letters and digits. */
const SHARE_CODE = /^[A-Za-z0-9]{8}$/;

export function normaliseShareCode(value: string): string {
  return value.replace(/\s+/g, '');
}

export function isShareCode(value: string): boolean {
  return SHARE_CODE.test(value);
}
