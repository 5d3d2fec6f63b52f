import type { Endorsement, LicenceSource, LicenceStatus } from '../licence-check.entity.js';

export type LicenceLookupOutcome =
  | { kind: 'found'; status: LicenceStatus; categories: string[]; endorsements: Endorsement[] }
  | { kind: 'share_code_invalid'; reason: 'wrong' | 'expired' };

/** Where a GB driving record comes from, given the licence number and the driver's share code. */
export abstract class LicenceProvider {
  /** Said on every check, so nobody mistakes a simulated answer for the DVLA's. */
  abstract readonly source: LicenceSource;
  abstract check(licenceNumber: string, shareCode: string): Promise<LicenceLookupOutcome>;
}
