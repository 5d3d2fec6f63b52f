import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditChainWriter, bounded } from '../../src/audit/audit-chain-writer.js';
import { AuditChainer } from '../../src/audit/audit-chainer.js';
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

describe('audit events staged in the write, chained after its COMMIT (audit_chain_pending)', () => {
  let context: RepositoryContext;
  let writer: AuditChainWriter;
  const storedOf = (companyId: string) =>
    context.uow.manager.query<StoredEvent[]>('SELECT id, seq, occurred_at, prev_hash, hash FROM audit_events WHERE company_id = $1 ORDER BY seq', [companyId]);
  const pendingCount = async (companyId: string) =>
    Number((await context.uow.manager.query<Array<{ count: string }>>('SELECT count(*) FROM audit_pending WHERE company_id = $1', [companyId]))[0].count);

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
    expect(await pendingCount(companyId)).toBe(0);
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

  it('chains the events of one transaction once it has committed, in the order they were staged, and none of a rolled-back one', async () => {
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
    expect(await pendingCount(companyId)).toBe(0);
  });

  it('holds no chain lock in the write: a staged, uncommitted event does not hold up another writer of the company', async () => {
    const companyId = await context.newCompany();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let staged!: () => void;
    const isStaged = new Promise<void>((resolve) => (staged = resolve));
    const slow = context.uow.runDetached(async (manager) => {
      await writer.append(draft(companyId, { requestId: 'slow' }));
      // the head row is made (and locked) by the first chaining: staging has not touched it
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

  it("stages without locking the company's row or the chain head; the head is made at the company's first chaining", async () => {
    const companyId = await context.newCompany();
    for (const requestId of ['makes-the-head', 'finds-the-head']) {
      await context.uow.run(async () => {
        await writer.append(draft(companyId, { requestId }));
        expect(await context.companyRowLockedHere(companyId)).toBe(false);
        const [head] = await context.uow.manager.query<Array<{ locked: boolean }>>(
          'SELECT xmax = pg_current_xact_id()::xid AS locked FROM audit_chain_heads WHERE company_id = $1', [companyId]);
        expect(head?.locked ?? false).toBe(false);
      });
    }
    expect((await storedOf(companyId)).map((row) => Number(row.seq))).toEqual([1, 2]);
  });

  it('chains what a stopped instance left staged: with the next write of the company, or by the sweep', async () => {
    const [companyId, otherCompanyId] = [await context.newCompany(), await context.newCompany()];
    // committed writes whose instance stopped before chaining them: their events, staged and committed
    const leftBehind = ['left-1', 'left-2'].map((requestId) => draft(companyId, { requestId }));
    const stage = (one: AuditDraft) =>
      context.uow.manager.query(
        `INSERT INTO audit_pending (company_id, genesis_hash, id, actor_type, actor_id, actor_name, actor_public_id, ip, user_agent,
           request_id, action, method, path, resource_type, resource_id, status, outcome, credits_spent, idempotency_key, changes)
         VALUES ($1, $2, gen_random_uuid(), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
        [one.companyId, GENESIS_HASH, one.actor.type, one.actor.id, one.actor.name, one.actor.publicId, one.ip, one.userAgent, one.requestId,
          one.action, one.method, one.path, one.resourceType, one.resourceId, one.status, one.outcome, one.creditsSpent, one.idempotencyKey, one.changes],
      );
    for (const one of leftBehind) await stage(one);
    await stage(draft(otherCompanyId, { requestId: 'left-elsewhere' }));
    expect(await storedOf(companyId)).toEqual([]);

    await writer.append(draft(companyId, { requestId: 'next-write' }));
    const requestIds = async (company: string) =>
      (await context.uow.manager.query<Array<{ request_id: string }>>('SELECT request_id FROM audit_events WHERE company_id = $1 ORDER BY seq', [company])).map((row) => row.request_id);
    expect(await requestIds(companyId)).toEqual(['left-1', 'left-2', 'next-write']);
    expect(await requestIds(otherCompanyId)).toEqual([]);

    expect(await context.get(AuditChainer).sweep()).toBeGreaterThanOrEqual(1);
    expect(await requestIds(otherCompanyId)).toEqual(['left-elsewhere']);
    expect(await pendingCount(otherCompanyId)).toBe(0);
    const stored = await storedOf(companyId);
    let previous = GENESIS_HASH;
    stored.forEach((row, index) => {
      expect(row.hash).toBe(chainHash(chained([...leftBehind, draft(companyId, { requestId: 'next-write' })][index], row), previous));
      previous = row.hash;
    });
  });

  it('refuses an event of a company that does not exist, storing nothing', async () => {
    const unknownCompanyId = '019a0000-0000-7000-8000-0000000000ff';
    await expect(writer.append(draft(unknownCompanyId))).rejects.toThrow(/no company/);
    expect(await pendingCount(unknownCompanyId)).toBe(0);
  });
});
