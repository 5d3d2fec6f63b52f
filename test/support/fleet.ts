import { randomInt } from 'node:crypto';
import type { SignedUp } from './factories.js';
import type { TestApp } from './test-app.js';

type Auth = Pick<SignedUp, 'auth'>;

const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXY';
const letter = () => LETTERS[randomInt(LETTERS.length)];

/**
 * A random current-format registration (AB12CDE) that the simulated provider answers with data
 * (never the documented ZZ… not-found or XX… service-down prefixes).
 */
export function uniqueRegistration(): string {
  const age = String(randomInt(2, 25)).padStart(2, '0');
  let area = `${letter()}${letter()}`;
  while (area === 'XX' || area === 'ZZ') area = `${letter()}${letter()}`;
  return `${area}${age}${letter()}${letter()}${letter()}`;
}

/** A vehicle of the signed-in company (201), with overrides for any create field. */
export async function newVehicle(
  app: TestApp,
  who: Auth,
  overrides: Partial<{ registration: string; vin: string; nickname: string; mileage: number }> = {},
): Promise<{ id: string; registration: string; lookupStatus: string } & Record<string, unknown>> {
  const response = await app
    .http()
    .post('/v1/vehicles')
    .set(who.auth)
    .send({ registration: uniqueRegistration(), ...overrides })
    .expect(201);
  return response.body as { id: string; registration: string; lookupStatus: string };
}

/** A customer of the signed-in company (201). */
export async function newCustomer(
  app: TestApp,
  who: Auth,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; name: string } & Record<string, unknown>> {
  const response = await app
    .http()
    .post('/v1/customers')
    .set(who.auth)
    .send({ name: 'Jo Bloggs', email: `jo-${randomInt(1e9)}@example.co.uk`, phone: '07700 900123', ...overrides })
    .expect(201);
  return response.body as { id: string; name: string };
}

/**
 * A structurally valid GB licence number. `issue` is the 14th character and `check` the 15th, which
 * the simulated provider reads: issue 1/2/3 → expired/revoked/disqualified (else valid); check A–H no
 * points, I–P 3, Q–W 6, X–Z 9.
 */
export function gbLicenceNumber(options: Partial<{ surname: string; issue: string; check: string }> = {}): string {
  const surname = (options.surname ?? 'MORGA').padEnd(5, '9').slice(0, 5);
  return `${surname}753116SM${options.issue ?? '9'}${options.check ?? 'A'}J`;
}

export const SHARE_CODE = 'Ab3dE7gH';
