import { describe, expect, it } from 'vitest';
import { copyWindowSeqs } from '../../src/audit/audit-log.service.js';

const window = (seqs: number, bytes: number) => ({ value: Buffer.alloc(bytes), low: 1_000, high: 1_000 + seqs });

describe("the export's COPY windows", () => {
  it('start small, then ask for as many seqs as make ~1 MB at the size of the window before', () => {
    expect(copyWindowSeqs()).toBe(200);
    expect(copyWindowSeqs(window(200, 100_000))).toBe(2_097); // 500-byte events
    expect(copyWindowSeqs(window(2_097, 1 << 20))).toBe(2_097);
  });

  it('shrink for events that carry large changes, and stay within 20 to 4,000 seqs', () => {
    expect(copyWindowSeqs(window(2_000, 2_000 * 15_000))).toBe(69);
    expect(copyWindowSeqs(window(100, 100 * 200_000))).toBe(20);
    expect(copyWindowSeqs(window(200, 200 * 50))).toBe(4_000);
    expect(copyWindowSeqs(window(4_000, 0))).toBe(4_000); // a time range with no event in the window
  });
});
