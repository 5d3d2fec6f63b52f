import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { registrationFormat } from '../../registration.js';
import { type DvlaVehicleData, type MotDefect, type MotTest, VehicleDataProvider, type VehicleLookupOutcome } from '../vehicle-data.js';

/** Registrations starting with ZZ (e.g. ZZ99ZZZ) are not known to the simulated DVLA: `not_found`. */
export const SIMULATED_NOT_FOUND_PREFIX = 'ZZ';
/** Registrations starting with XX (e.g. XX99XXX) find the simulated service down: the vehicle stays `pending`. */
export const SIMULATED_SERVICE_DOWN_PREFIX = 'XX';

const MAKES = ['FORD', 'VAUXHALL', 'VOLKSWAGEN', 'BMW', 'MERCEDES-BENZ', 'TOYOTA', 'NISSAN', 'PEUGEOT', 'AUDI', 'KIA', 'HYUNDAI', 'RENAULT', 'SKODA', 'HONDA'];
const COLOURS = ['BLACK', 'WHITE', 'SILVER', 'GREY', 'BLUE', 'RED', 'GREEN', 'ORANGE'];
const ENGINES = [998, 1199, 1398, 1498, 1598, 1968, 1995, 2143, 2993];
const ADVISORIES = [
  'Nearside Front Tyre worn close to legal limit/worn on edge (5.2.3 (e))',
  'Offside Rear Brake disc worn, pitted or scored, but not seriously weakened (1.1.14 (a) (ii))',
  'Front Oil leak, but not excessive and not dripping',
  'Nearside Front Suspension arm pin or bush worn but not resulting in excessive movement (5.3.4 (a) (i))',
];
const FAILURES = [
  'Nearside Headlamp aim too high (4.1.2 (a) (i))',
  'Offside Front Tyre tread depth below requirements of 1.6mm (5.2.3 (e))',
  'Windscreen washer provides insufficient washer liquid (3.6 (b))',
  'Service brake efficiency below requirements (1.2.1 (a) (i))',
];
/** Age letters in order of issue (I, O, Q, U and Z were never used). */
const AGE_LETTERS = 'ABCDEFGHJKLMNPRSTVWXY';

/**
 * Offline stand-in for DVLA and DVSA: realistic data derived deterministically from the registration
 * (the year follows the age identifier of dated formats; MOT tests yearly from the third year on).
 */
@Injectable()
export class SimulatedVehicleDataProvider extends VehicleDataProvider {
  lookup(registration: string): Promise<VehicleLookupOutcome> {
    if (registration.startsWith(SIMULATED_NOT_FOUND_PREFIX)) return Promise.resolve({ kind: 'not_found' });
    if (registration.startsWith(SIMULATED_SERVICE_DOWN_PREFIX)) {
      return Promise.resolve({ kind: 'unavailable', reason: 'simulated service down' });
    }
    return Promise.resolve(simulate(registration, new Date()));
  }
}

function simulate(registration: string, now: Date): VehicleLookupOutcome {
  const random = seededRandom(registration);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const firstRegistered = firstRegistration(registration, random);
  const year = firstRegistered.getUTCFullYear();
  const fuelType = year >= 2015 && random() < 0.15 ? 'ELECTRICITY' : year >= 2010 && random() < 0.15 ? 'HYBRID ELECTRIC' : pick(['PETROL', 'DIESEL']);
  const electric = fuelType === 'ELECTRICITY';
  const motTests = simulateMotTests(firstRegistered, now, random);
  const latest = motTests[0];
  const ageYears = (now.getTime() - firstRegistered.getTime()) / (365.25 * 86_400_000);
  const taxed = random() < 0.9;
  const dvla: DvlaVehicleData = {
    registrationNumber: registration,
    make: pick(MAKES),
    colour: pick(COLOURS),
    fuelType,
    yearOfManufacture: year,
    engineCapacity: electric ? null : pick(ENGINES),
    co2Emissions: electric ? 0 : 95 + Math.floor(random() * 90),
    taxStatus: taxed ? 'Taxed' : pick(['Untaxed', 'SORN']),
    taxDueDate: taxed ? isoDate(addDays(now, 10 + Math.floor(random() * 340))) : null,
    motStatus: ageYears < 3 ? 'No details held by DVLA' : latest?.expiryDate && latest.expiryDate >= isoDate(now) ? 'Valid' : 'Not valid',
    motExpiryDate: latest?.expiryDate ?? null,
    monthOfFirstRegistration: isoDate(firstRegistered).slice(0, 7),
    markedForExport: false,
    typeApproval: 'M1',
    wheelplan: '2 AXLE RIGID BODY',
    euroStatus: year >= 2015 ? 'EURO 6' : year >= 2009 ? 'EURO 5' : null,
    revenueWeight: null,
    dateOfLastV5CIssued: isoDate(addDays(now, -30 - Math.floor(random() * 900))),
  };
  return { kind: 'found', dvla, motTests };
}

function firstRegistration(registration: string, random: () => number): Date {
  const format = registrationFormat(registration);
  const month = (m: number) => m - 1;
  switch (format) {
    case 'current': {
      const age = Number(registration.slice(2, 4));
      return age > 50 ? new Date(Date.UTC(2000 + age - 50, month(9), 1 + Math.floor(random() * 28))) : new Date(Date.UTC(2000 + age, month(3), 1 + Math.floor(random() * 28)));
    }
    case 'prefix':
      return new Date(Date.UTC(1983 + AGE_LETTERS.indexOf(registration[0]), month(8), 1 + Math.floor(random() * 28)));
    case 'suffix':
      return new Date(Date.UTC(1963 + AGE_LETTERS.indexOf(registration[registration.length - 1]), month(8), 1 + Math.floor(random() * 28)));
    case 'q_plate':
    case 'northern_ireland':
    case 'dateless':
    case null:
      return new Date(Date.UTC(1995 + Math.floor(random() * 28), Math.floor(random() * 12), 1 + Math.floor(random() * 28)));
  }
}

/** Newest first, as DVSA returns them: a test a year from the third anniversary, some failed then retested. */
function simulateMotTests(firstRegistered: Date, now: Date, random: () => number): MotTest[] {
  const tests: MotTest[] = [];
  const milesPerYear = 5000 + Math.floor(random() * 9000);
  let due = addYears(firstRegistered, 3);
  const earliest = addYears(now, -20);
  while (due <= now) {
    const completed = addDays(due, -Math.floor(random() * 25));
    const years = (completed.getTime() - firstRegistered.getTime()) / (365.25 * 86_400_000);
    const odometer = Math.round(years * milesPerYear);
    const advisories: MotDefect[] = random() < 0.4 ? [{ text: ADVISORIES[Math.floor(random() * ADVISORIES.length)], type: 'ADVISORY', dangerous: false }] : [];
    if (completed >= earliest && random() < 0.2) {
      const failure: MotDefect = { text: FAILURES[Math.floor(random() * FAILURES.length)], type: 'MAJOR', dangerous: false };
      tests.push(motTest(completed, 'FAILED', odometer, null, [failure, ...advisories], random));
      const retest = addDays(completed, 1 + Math.floor(random() * 5));
      tests.push(motTest(retest, 'PASSED', odometer + 12, addDays(addYears(due, 1), -1), advisories, random));
    } else if (completed >= earliest) {
      tests.push(motTest(completed, 'PASSED', odometer, addDays(addYears(due, 1), -1), advisories, random));
    }
    due = addYears(due, 1);
  }
  return tests.reverse();
}

function motTest(completed: Date, testResult: string, odometerValue: number, expiry: Date | null, defects: MotDefect[], random: () => number): MotTest {
  return {
    completedDate: completed.toISOString(),
    testResult,
    odometerValue,
    odometerUnit: 'MI',
    expiryDate: expiry ? isoDate(expiry) : null,
    motTestNumber: String(100_000_000_000 + Math.floor(random() * 899_999_999_999)),
    defects,
  };
}

function seededRandom(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32BE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const isoDate = (date: Date) => date.toISOString().slice(0, 10);
const addDays = (date: Date, days: number) => new Date(date.getTime() + days * 86_400_000);
const addYears = (date: Date, years: number) => {
  const next = new Date(date.getTime());
  next.setUTCFullYear(next.getUTCFullYear() + years);
  return next;
};
