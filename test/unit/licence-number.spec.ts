import { describe, expect, it } from 'vitest';
import { isShareCode, licenceKind, normaliseLicenceNumber, parseGbLicenceNumber } from '../../src/platform/validation/licence-number.js';

describe('driving licence numbers', () => {
  it.each([
    ['MORGA753116SM9IJ', { surname: 'MORGA', yearOfCentury: 76, month: 3, day: 11, female: true, initials: 'SM' }],
    ['SMITH810109JA9AA', { surname: 'SMITH', yearOfCentury: 89, month: 10, day: 10, female: false, initials: 'JA' }],
    ['OX999002290J99AB', { surname: 'OX', yearOfCentury: 0, month: 2, day: 29, female: false, initials: 'J' }],
    ['LEE99812314AB9XY', { surname: 'LEE', yearOfCentury: 84, month: 12, day: 31, female: false, initials: 'AB' }],
    ['JONES662300C99ZZ', { surname: 'JONES', yearOfCentury: 60, month: 12, day: 30, female: true, initials: 'C' }],
    ['mor ga753116sm9ij', { surname: 'MORGA', yearOfCentury: 76, month: 3, day: 11, female: true, initials: 'SM' }],
  ])('decodes %s', (input, parts) => {
    const normalised = normaliseLicenceNumber(input);
    expect(parseGbLicenceNumber(normalised)).toEqual(parts);
    expect(licenceKind(normalised)).toBe('gb');
  });

  it.each([
    ['MORGA753116SM9I', 'too short'],
    ['MORGA753116SM9IJK', 'too long'],
    ['MOR9A753116SM9IJ', 'letter after surname padding'],
    ['9ORGA753116SM9IJ', 'surname padding only'],
    ['MORGA713116SM9IJ', 'month 13'],
    ['MORGA700116SM9IJ', 'month 00'],
    ['MORGA750116SM9IJ', 'month 50'],
    ['MORGA763116SM9IJ', 'month 63 (women: 51–62)'],
    ['MORGA753326SM9IJ', 'day 32'],
    ['MORGA753006SM9IJ', 'day 00'],
    ['MORGA704316SM9IJ', '31 April'],
    ['MORGA702301SM9IJ', '30 February'],
    ['MORGA702291SM9IJ', '29 February of a non-leap year'],
    ['MORGA7531169M9IJ', 'padding before an initial'],
    ['MORGA753116SMAIJ', 'letter in the digit position'],
    ['MORGA753116SM9I-', 'symbol in the check characters'],
    ['12345678A', 'not 8 digits'],
  ])('rejects %s (%s)', (input) => {
    expect(licenceKind(normaliseLicenceNumber(input))).toBeNull();
  });

  it('recognises an 8-digit Northern Ireland number', () => {
    expect(licenceKind('12345678')).toBe('northern_ireland');
  });
});

describe('share codes', () => {
  it.each(['Ab3dE7gH', 'ABCDEFGH', '12345678'])('accepts %s', (code) => expect(isShareCode(code)).toBe(true));
  it.each(['Ab3dE7g', 'Ab3dE7gHi', 'Ab3d-7gH', ''])('rejects %j', (code) => expect(isShareCode(code)).toBe(false));
});
