import type { Endorsement, LicenceStatus } from '../licence-check.entity.js';

export type LicenceLookupOutcome =
  | { kind: 'found'; status: LicenceStatus; categories: string[]; endorsements: Endorsement[] }
  | { kind: 'share_code_invalid'; reason: 'wrong' | 'expired' };

/** Where a GB driving record comes from, given the licence number and the driver's share code. */
export abstract class LicenceProvider {
  abstract check(licenceNumber: string, shareCode: string): Promise<LicenceLookupOutcome>;
}
