import { describe, expect, it } from 'vitest';
import * as verifierChain from '#audit-verify/chain.js';
import * as serverChain from '../../src/audit/audit-chain.js';
import { toChained } from '../../src/audit/audit-event.entity.js';
import { auditChain, auditRow, exportLine, random } from '../support/audit-exports.js';

// Until src/audit/audit-chain.ts delegates to tools/audit-verify/lib/chain.js, two copies exist: these
// tests keep them byte-identical, and prove an export line carries everything the hash covers.
describe('the verifier hashes exactly as the server', () => {
  const company = '019a0000-0000-7000-8000-0000000000aa';

  it('uses the same genesis hash', () => {
    expect(verifierChain.GENESIS_HASH).toBe(serverChain.GENESIS_HASH);
  });

  it('canonicalises and hashes 5,000 varied events identically', () => {
    const next = random(42);
    for (let seq = 1; seq <= 5000; seq += 1) {
      const event = toChained(auditRow(company, seq, next));
      const prevHash = seq === 1 ? serverChain.GENESIS_HASH : Math.floor(next() * 2 ** 52).toString(16).padStart(64, '0');
      expect(verifierChain.canonicalEvent(event)).toBe(serverChain.canonicalEvent(event));
      expect(verifierChain.chainHash(event, prevHash)).toBe(serverChain.chainHash(event, prevHash));
    }
  });

  it('recomputes every stored hash from the exported NDJSON line alone (ISO occurredAt, actor without publicId)', () => {
    for (const row of auditChain(company, 2000, 7)) {
      const line = JSON.parse(exportLine(row)) as verifierChain.CanonicalEventInput & { prevHash: string; hash: string };
      expect(verifierChain.chainHash(line, line.prevHash)).toBe(row.hash);
    }
  });

  it.each([
    ['strings JSON escapes', { actor: { type: 'user', id: null, name: 'q"b\\s\u0001\u001f\u007f\u2028 😀 \ud800 \udfff', publicId: null } }],
    ['a lone surrogate and a line feed', { path: '/v1/\ud83d\n', userAgent: '\t' }],
    ['numbers as strings', { status: '201', seq: '1' }],
    ['an undefined field (omitted by JSON)', { ip: undefined }],
    ['an object where a string belongs', { resourceId: { nested: [1, 'x'] } }],
    ['a boolean and a non-finite number', { idempotencyKey: true, creditsSpent: Number.NaN }],
    ['a negative zero and a fraction', { creditsSpent: -0, status: 201.5 }],
  ])('agrees on %s', (_case, override) => {
    const event = { ...toChained(auditRow(company, 9, random(9))), ...override } as serverChain.ChainedEvent;
    expect(verifierChain.canonicalEvent(event)).toBe(serverChain.canonicalEvent(event));
    expect(verifierChain.chainHash(event, serverChain.GENESIS_HASH)).toBe(serverChain.chainHash(event, serverChain.GENESIS_HASH));
  });

  it('treats an omitted actor.publicId as null, as the export omits it for users', () => {
    const event = toChained(auditRow(company, 1, random(3)));
    const user = { ...event, actor: { type: 'user' as const, id: event.actor.id, name: event.actor.name, publicId: null } };
    const actorWithoutKey = { type: user.actor.type, id: user.actor.id, name: user.actor.name };
    expect(verifierChain.canonicalEvent({ ...user, actor: actorWithoutKey })).toBe(serverChain.canonicalEvent(user));
  });

  it('hashes an ISO string occurredAt as given, so a reformatted timestamp does not verify', () => {
    const event = toChained(auditRow(company, 1, random(4)));
    const exact = verifierChain.chainHash({ ...event, occurredAt: event.occurredAt.toISOString() }, serverChain.GENESIS_HASH);
    expect(exact).toBe(serverChain.chainHash(event, serverChain.GENESIS_HASH));
    const reformatted = event.occurredAt.toISOString().replace('Z', '+00:00');
    expect(verifierChain.chainHash({ ...event, occurredAt: reformatted }, serverChain.GENESIS_HASH)).not.toBe(exact);
  });
});
