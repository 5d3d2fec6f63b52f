import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Endorsement, LicenceStatus } from '../licence-check.entity.js';
import { LicenceProvider, type LicenceLookupOutcome } from './licence-provider.js';

/**
 * Offline stand-in for DVLA's "view or share your driving licence information", deterministic:
 * - share code: starting with `EXPIRED` (e.g. EXPIRED1) → expired, starting with `WRONG` (e.g. WRONG123)
 *   → wrong; both answer 422 share_code_invalid. Any other well-formed code is accepted.
 * - status from the 14th character (the issue digit): 1 → expired, 2 → revoked, 3 → disqualified,
 *   anything else (usually 9) → valid.
 * - endorsements from the 15th character (first check character): A–H none; I–P one SP30 (3 points);
 *   Q–W SP30 + CU80 (6 points); X–Z or a digit SP30 + CU80 + TS10 (9 points). A disqualified driver
 *   also has a DR10 (10 points).
 * - categories: AM, B, BE, f, k, l, n, p, q; plus A when the 16th character is A–M.
 * Offence dates are derived from the licence number and lie in the last three years.
 */
@Injectable()
export class SimulatedLicenceProvider extends LicenceProvider {
  readonly source = 'simulated' as const;

  check(licenceNumber: string, shareCode: string): Promise<LicenceLookupOutcome> {
    if (shareCode.startsWith('EXPIRED')) return Promise.resolve({ kind: 'share_code_invalid', reason: 'expired' });
    if (shareCode.startsWith('WRONG')) return Promise.resolve({ kind: 'share_code_invalid', reason: 'wrong' });
    const status = statusFrom(licenceNumber[13]);
    const codes = endorsementCodes(licenceNumber[14]);
    if (status === 'disqualified') codes.push(['DR10', 10]);
    const hash = createHash('sha256').update(licenceNumber).digest();
    const now = Date.now();
    const endorsements: Endorsement[] = codes.map(([code, points], index) => {
      const offence = new Date(now - (30 + (hash.readUInt16BE(index * 2) % 1000)) * 86_400_000);
      const expires = new Date(offence.getTime());
      expires.setUTCFullYear(expires.getUTCFullYear() + (code === 'DR10' ? 11 : 4));
      return { code, points, offenceDate: offence.toISOString().slice(0, 10), expiresAt: expires.toISOString().slice(0, 10) };
    });
    const categories = ['AM', 'B', 'BE', 'f', 'k', 'l', 'n', 'p', 'q'];
    if (/[A-M]/.test(licenceNumber[15])) categories.splice(1, 0, 'A');
    return Promise.resolve({ kind: 'found', status, categories, endorsements });
  }
}

function statusFrom(issueDigit: string): LicenceStatus {
  switch (issueDigit) {
    case '1':
      return 'expired';
    case '2':
      return 'revoked';
    case '3':
      return 'disqualified';
    default:
      return 'valid';
  }
}

function endorsementCodes(checkCharacter: string): Array<[string, number]> {
  if (/[A-H]/.test(checkCharacter)) return [];
  if (/[I-P]/.test(checkCharacter)) return [['SP30', 3]];
  if (/[Q-W]/.test(checkCharacter)) return [['SP30', 3], ['CU80', 3]];
  return [['SP30', 3], ['CU80', 3], ['TS10', 3]];
}
