import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalEvent, chainHash, type ChainedEvent, GENESIS_HASH } from '../../src/audit/audit-chain.js';
import { crlfRecords, csvField, csvRow } from '../../src/audit/csv.js';

const event = (overrides: Partial<ChainedEvent> = {}): ChainedEvent => ({
  id: '019a0000-0000-7000-8000-000000000001',
  seq: 1,
  occurredAt: new Date('2026-11-20T10:11:12.345Z'),
  companyId: '019a0000-0000-7000-8000-0000000000aa',
  actor: { type: 'user', id: '019a0000-0000-7000-8000-0000000000bb', name: 'Olive', publicId: null },
  ip: '127.0.0.1',
  userAgent: 'test',
  requestId: 'req-1',
  action: 'vehicle.create',
  method: 'POST',
  path: '/v1/vehicles',
  resourceType: 'vehicle',
  resourceId: null,
  status: 201,
  outcome: 'success',
  creditsSpent: 0,
  idempotencyKey: null,
  changes: null,
  ...overrides,
});

describe('audit hash chain', () => {
  it('canonicalises fields in a fixed order with nulls spelled out', () => {
    const json = canonicalEvent(event());
    expect(Object.keys(JSON.parse(json) as object)).toEqual([
      'id', 'seq', 'occurredAt', 'companyId', 'actor', 'ip', 'userAgent', 'requestId', 'action', 'method', 'path',
      'resourceType', 'resourceId', 'status', 'outcome', 'creditsSpent', 'idempotencyKey',
    ]);
    expect(json).toContain('"occurredAt":"2026-11-20T10:11:12.345Z"');
    expect(json).toContain('"publicId":null');
  });

  it('hashes SHA-256 over the canonical event followed by prevHash', () => {
    const expected = createHash('sha256').update(canonicalEvent(event()) + GENESIS_HASH).digest('hex');
    expect(chainHash(event(), GENESIS_HASH)).toBe(expected);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('changes the hash when any field or the previous hash changes', () => {
    const base = chainHash(event(), GENESIS_HASH);
    expect(chainHash(event({ status: 403 }), GENESIS_HASH)).not.toBe(base);
    expect(chainHash(event({ actor: { type: 'user', id: null, name: 'Olive', publicId: null } }), GENESIS_HASH)).not.toBe(base);
    expect(chainHash(event(), 'f'.repeat(64))).not.toBe(base);
  });

  it('hashes an event without changes exactly as before changes existed', () => {
    expect(canonicalEvent(event({ changes: null }))).toBe(canonicalEvent(event({ changes: undefined })));
    expect(canonicalEvent(event({ changes: null }))).not.toContain('changes');
  });

  it('appends changes last, as the stored JSON text in a string', () => {
    const changes = JSON.stringify({ role: { from: 'admin', to: 'member' } });
    const json = canonicalEvent(event({ changes }));
    expect(json.endsWith(`,"changes":${JSON.stringify(changes)}}`)).toBe(true);
    expect(chainHash(event({ changes }), GENESIS_HASH)).not.toBe(chainHash(event(), GENESIS_HASH));
  });
});

describe('CSV fields', () => {
  it('quotes commas, quotes and line breaks per RFC 4180', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField(null)).toBe('');
    expect(csvField(42)).toBe('42');
  });

  it('neutralises values a spreadsheet would read as a formula', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField('\rx')).toBe('"\'\rx"');
  });

  it('ends each record with CRLF', () => {
    expect(csvRow(['a', 1, null])).toBe('a,1,\r\n');
  });

  it('ends records COPY wrote with CRLF, leaving line breaks inside quoted fields as they are', () => {
    const crlf = (text: string) => crlfRecords(Buffer.from(text)).toString();
    expect(crlf('a,1\nb,2\n')).toBe('a,1\r\nb,2\r\n');
    expect(crlf('"x\ny",1\n"say ""hi""\n",2\n')).toBe('"x\ny",1\r\n"say ""hi""\n",2\r\n');
    expect(crlf('"\r\n",\n')).toBe('"\r\n",\r\n');
    expect(crlf('')).toBe('');
    expect(crlf('Zoë 🚐,"a\nb"\n')).toBe('Zoë 🚐,"a\nb"\r\n');
  });
});
