import { describe, expect, it } from 'vitest';
import { isIsoDate, normalisePhone, normaliseUkPostcode } from '../../src/customers/contact.js';

describe('phone numbers', () => {
  it.each([
    ['07700 900123', '+447700900123'],
    ['+44 7700 900123', '+447700900123'],
    ['020 7946 0018', '+442079460018'],
    ['(0113) 496-0000', '+441134960000'],
    ['+1 415 555 2671', '+14155552671'],
    ['+353861234567', '+353861234567'],
  ])('normalises %s to %s', (input, e164) => expect(normalisePhone(input)).toBe(e164));

  it.each(['07700 9001', '+44 07700 900123', '7700900123', '+0123456789', '+1234567890123456', 'phone', ''])('rejects %j', (input) =>
    expect(normalisePhone(input)).toBeNull());
});

describe('UK postcodes', () => {
  it.each([['sw1a 1aa', 'SW1A 1AA'], ['LS14AP', 'LS1 4AP'], ['M1 1AE', 'M1 1AE'], ['EC1A1BB', 'EC1A 1BB'], ['GIR 0AA', 'GIR 0AA']])(
    'normalises %s to %s', (input, postcode) => expect(normaliseUkPostcode(input)).toBe(postcode));
  it.each(['12345', 'QA1 1AA', 'LS1 4CI', 'SW1A', ''])('rejects %j', (input) => expect(normaliseUkPostcode(input)).toBeNull());
});

describe('ISO dates', () => {
  it.each(['2024-02-29', '1990-12-31'])('accepts %s', (value) => expect(isIsoDate(value)).toBe(true));
  it.each(['2023-02-29', '1990-13-01', '1990-1-1', '01/02/1990'])('rejects %s', (value) => expect(isIsoDate(value)).toBe(false));
});
