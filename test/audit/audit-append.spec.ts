import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditChainWriter, bounded } from '../../src/audit/audit-chain-writer.js';
import { type AuditDraft, type ChainedEvent, chainHash, GENESIS_HASH } from '../../src/audit/audit-chain.js';
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

/** The event as the verifier sees it: the draft as stored, with the id, seq and time the database gave it. */
const chained = (one: AuditDraft, row: StoredEvent): ChainedEvent => ({ ...bounded(one), id: row.id, seq: Number(row.seq), occurredAt: row.occurred_at });

describe('audit_append at COMMIT (one deferred trigger)', () => {
  let context: RepositoryContext;
  let writer: AuditChainWriter;
  const storedOf = (companyId: string) =>
    context.uow.manager.query<StoredEvent[]>('SELECT id, seq, occurred_at, prev_hash, hash FROM audit_events WHERE company_id = $1 ORDER BY seq', [companyId]);
  const pendingCount = async () => Number((await context.uow.manager.query<Array<{ count: string }>>('SELECT count(*) FROM audit_pending'))[0].count);

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
    const ids: string[] = [];
    for (const one of drafts) ids.push(await writer.append(one));

    const stored = await storedOf(companyId);
    expect(stored.map((row) => Number(row.seq))).toEqual([1, 2, 3]);
    expect(stored.map((row) => row.id)).toEqual(ids);
    let previous = GENESIS_HASH;
    stored.forEach((row, index) => {
      expect(row.prev_hash).toBe(previous);
      expect(row.hash).toBe(chainHash(chained(drafts[index], row), previous));
      previous = row.hash;
    });
    const [head] = await context.uow.manager.query<Array<{ seq: string; hash: string }>>('SELECT seq, hash FROM audit_chain_heads WHERE company_id = $1', [companyId]);
    expect({ seq: Number(head.seq), hash: head.hash }).toEqual({ seq: 3, hash: previous });
    expect(await pendingCount()).toBe(0);
  });

  it('times each event once it holds the head: concurrent appends rise in time as in seq', async () => {
    const companyId = await context.newCompany();
    const drafts = Array.from({ length: 20 }, (_, index) => draft(companyId, { requestId: `req-${index}` }));
    const ids = await Promise.all(drafts.map((one) => writer.append(one)));
    const stored = await storedOf(companyId);
    expect(stored.map((row) => Number(row.seq))).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    for (let index = 1; index < stored.length; index++) {
      expect(stored[index].occurred_at.getTime()).toBeGreaterThanOrEqual(stored[index - 1].occurred_at.getTime());
    }
    stored.forEach((row) => expect(row.hash).toBe(chainHash(chained(drafts[ids.indexOf(row.id)], row), row.prev_hash)));
  });

  it('appends the events of one transaction at its COMMIT, in the order they were staged, and none of a rolled-back one', async () => {
    const companyId = await context.newCompany();
    const drafts = ['first', 'second', 'third'].map((requestId) => draft(companyId, { requestId }));
    await context.uow.run(async () => {
      for (const one of drafts) await writer.append(one);
      expect(await storedOf(companyId)).toEqual([]); // staged, not yet in the chain
    });
    await expect(
      context.uow.run(async () => {
        await writer.append(draft(companyId, { requestId: 'rolled back' }));
        throw new Error('the write failed');
      }),
    ).rejects.toThrow('the write failed');
    const stored = await storedOf(companyId);
    expect(stored.map((row) => Number(row.seq))).toEqual([1, 2, 3]);
    stored.forEach((row, index) => expect(row.hash).toBe(chainHash(chained(drafts[index], row), row.prev_hash)));
    expect(await pendingCount()).toBe(0);
  });

  it('holds the chain head only while committing: a staged, uncommitted event does not hold up another writer of the company', async () => {
    const companyId = await context.newCompany();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let staged!: () => void;
    const isStaged = new Promise<void>((resolve) => (staged = resolve));
    const slow = context.uow.runDetached(async (manager) => {
      await writer.append(draft(companyId, { requestId: 'slow' }));
      // the head row is made (and locked) by the first append: staging has not touched it
      expect(await manager.query('SELECT seq FROM audit_chain_heads WHERE company_id = $1', [companyId])).toEqual([]);
      staged();
      await held;
    });
    await isStaged;
    // PostgreSQL: another writer of the company commits while the first is still open (on the
    // embedded database's single backend it would queue behind the open transaction whatever it locked)
    const embedded = !process.env.DATABASE_URL;
    if (!embedded) {
      await writer.append(draft(companyId, { requestId: 'quick' }));
      expect((await storedOf(companyId)).map((row) => Number(row.seq))).toEqual([1]);
    }
    release();
    await slow;
    expect((await storedOf(companyId)).map((row) => Number(row.seq))).toEqual(embedded ? [1] : [1, 2]);
  });

  it("appends without locking the company's row: the head it locks exists only for a company that exists", async () => {
    const companyId = await context.newCompany();
    for (const requestId of ['makes-the-head', 'finds-the-head']) {
      await context.uow.run(async () => {
        await writer.append(draft(companyId, { requestId }));
        await context.uow.manager.query('SET CONSTRAINTS audit_pending_append IMMEDIATE'); // the append, now
        expect(await context.companyRowLockedHere(companyId)).toBe(false);
      });
    }
    expect((await storedOf(companyId)).map((row) => Number(row.seq))).toEqual([1, 2]);
  });

  it('refuses an event of a company that does not exist, storing nothing', async () => {
    await expect(writer.append(draft('019a0000-0000-7000-8000-0000000000ff'))).rejects.toThrow(/no company/);
    expect(await pendingCount()).toBe(0);
  });
});
