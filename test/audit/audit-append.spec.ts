import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditChainWriter } from '../../src/audit/audit-chain-writer.js';
import { type AuditDraft, chainHash, GENESIS_HASH } from '../../src/audit/audit-chain.js';
import { type RepositoryContext, startRepositoryContext } from '../support/repositories.js';

interface StoredEvent {
  id: string;
  seq: string;
  occurred_at: Date;
  prev_hash: string;
  hash: string;
}

/** Everything JSON escapes, and what it must leave alone. */
const AWKWARD = 'q"uote \\ back/slash \b\f\n\r\t \u0001\u001f\u007f é € 🚐 \u2028 {"a": [1, 2]}';

const draft = (companyId: string, overrides: Partial<AuditDraft> = {}): AuditDraft => ({
  companyId,
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

describe('audit_append (one round trip)', () => {
  let context: RepositoryContext;
  let writer: AuditChainWriter;
  beforeAll(async () => {
    context = await startRepositoryContext();
    writer = context.get(AuditChainWriter);
  });
  afterAll(() => context.close());

  it('stores the hash the offline verifier computes, byte for byte, whatever the strings hold', async () => {
    const companyId = await context.newCompany();
    const drafts: AuditDraft[] = [
      draft(companyId),
      draft(companyId, {
        actor: { type: 'api_key', id: '019a0000-0000-7000-8000-0000000000cc', name: AWKWARD, publicId: 'vk_pub_1' },
        ip: null, userAgent: AWKWARD, requestId: AWKWARD, path: `/v1/vehicles/${AWKWARD}`, resourceId: AWKWARD, status: 403,
        outcome: 'denied', idempotencyKey: AWKWARD,
      }),
      draft(companyId, { actor: { type: 'user', id: null, name: null, publicId: null }, userAgent: null, resourceType: null, creditsSpent: 1, changes: JSON.stringify({ nickname: { from: AWKWARD, to: null } }) }),
    ];
    const events = [];
    for (const one of drafts) events.push(await writer.append(one));

    const stored = await context.uow.manager.query<StoredEvent[]>(
      'SELECT id, seq, occurred_at, prev_hash, hash FROM audit_events WHERE company_id = $1 ORDER BY seq',
      [companyId],
    );
    expect(stored.map((row) => Number(row.seq))).toEqual([1, 2, 3]);
    let previous = GENESIS_HASH;
    events.forEach((event, index) => {
      const row = stored[index];
      expect(event.seq).toBe(index + 1);
      expect(row.id).toBe(event.id);
      expect(row.occurred_at.toISOString()).toBe(event.occurredAt.toISOString());
      expect(row.prev_hash).toBe(previous);
      expect(row.hash).toBe(chainHash(event, previous));
      previous = row.hash;
    });
    const [head] = await context.uow.manager.query<Array<{ seq: string; hash: string }>>('SELECT seq, hash FROM audit_chain_heads WHERE company_id = $1', [companyId]);
    expect({ seq: Number(head.seq), hash: head.hash }).toEqual({ seq: 3, hash: previous });
  });

  it('times each event once it holds the head: concurrent appends rise in time as in seq', async () => {
    const companyId = await context.newCompany();
    const events = await Promise.all(Array.from({ length: 20 }, (_, index) => writer.append(draft(companyId, { requestId: `req-${index}` }))));
    const bySeq = [...events].sort((a, b) => a.seq - b.seq);
    expect(bySeq.map((event) => event.seq)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    for (let index = 1; index < bySeq.length; index++) {
      expect(bySeq[index].occurredAt.getTime()).toBeGreaterThanOrEqual(bySeq[index - 1].occurredAt.getTime());
    }
    const stored = await context.uow.manager.query<StoredEvent[]>('SELECT id, seq, occurred_at, prev_hash, hash FROM audit_events WHERE company_id = $1 ORDER BY seq', [companyId]);
    stored.forEach((row, index) => expect(row.hash).toBe(chainHash(bySeq[index], row.prev_hash)));
  });

  it('refuses an event of a company that does not exist, storing nothing', async () => {
    await expect(writer.append(draft('019a0000-0000-7000-8000-0000000000ff'))).rejects.toThrow(/no company/);
  });
});
