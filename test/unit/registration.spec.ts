import { describe, expect, it } from 'vitest';
import { isUkRegistration, isVin, normaliseRegistration, registrationFormat } from '../../src/vehicles/registration.js';

describe('UK registrations', () => {
  it.each([
    ['AB12CDE', 'current'],
    ['ab12 cde', 'current'],
    ['BD51SMR', 'current'],
    ['LV02ABC', 'current'],
    ['YK75ZXW', 'current'],
    ['A123BCD', 'prefix'],
    ['P7ABC', 'prefix'],
    ['Y999XYZ', 'prefix'],
    ['ABC123D', 'suffix'],
    ['GHJ7K', 'suffix'],
    ['Q123ABC', 'q_plate'],
    ['ABZ1234', 'northern_ireland'],
    ['IAZ 123', 'northern_ireland'],
    ['KZ 9', 'northern_ireland'],
    ['1234AB', 'dateless'],
    ['ABC123', 'dateless'],
    ['A1', 'dateless'],
    ['1 A', 'dateless'],
  ])('accepts %s as %s', (input, format) => {
    expect(registrationFormat(normaliseRegistration(input))).toBe(format);
    expect(isUkRegistration(input)).toBe(true);
  });

  it.each([
    [''],
    ['AB12CD'],
    ['AB12CDEF'],
    ['ABCDEFG'],
    ['1234567'],
    ['AB00CDE'],
    ['AB01CDE'],
    ['AB50CDE'],
    ['AB12CIE'],
    ['QB12CDE'],
    ['I123ABC'],
    ['O123ABC'],
    ['U123ABC'],
    ['Z123ABC'],
    ['A0123BC'],
    ['ABC123I'],
    ['ABC0123'],
    ['12345AB'],
    ['ABCD123'],
    ['0AB'],
    ['AB-12CD'],
    ['AB12ÇDE'],
  ])('rejects %j', (input) => {
    expect(isUkRegistration(input)).toBe(false);
  });

  it('normalises to upper case without any whitespace', () => {
    expect(normaliseRegistration(' ab12\tcde ')).toBe('AB12CDE');
  });
});

describe('VINs', () => {
  it.each(['WF0EXXGBBE8Y12345', 'wvwzzz1jz3w386752', 'SAJAA06E8BP123456', '1HGCM82633A004352'])('accepts %s', (vin) => {
    expect(isVin(vin)).toBe(true);
  });

  it.each(['WF0EXXGBBE8Y1234', 'WF0EXXGBBE8Y123456', 'WF0EXXGBBE8Y1234I', 'WF0EXXGBBE8Y1234O', 'QF0EXXGBBE8Y12345', 'WF0EXXGBBE8Y-2345', ''])('rejects %j', (vin) => {
    expect(isVin(vin)).toBe(false);
  });
});
