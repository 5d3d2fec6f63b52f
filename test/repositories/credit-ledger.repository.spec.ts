import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditLedgerRepository } from '../../src/credits/credit-ledger.repository.js';
import { expectOnlyItsCompanyFinds, type RepositoryContext, startRepositoryContext } from '../support/repositories.js';

describe('CreditLedgerRepository', () => {
  let context: RepositoryContext;
  let ledger: CreditLedgerRepository;
  beforeAll(async () => {
    context = await startRepositoryContext();
    ledger = context.get(CreditLedgerRepository);
  });
  afterAll(() => context.close());

  const entry = (delta: number, apiKeyId: string | null = null) => ({
    delta, balanceAfter: 10 + delta, reason: delta > 0 ? ('top_up' as const) : ('inspection' as const), actor: { type: 'system' as const, id: null, name: 'test' },
    apiKeyId, paymentReference: null,
  });

  it('finds a ledger row for its company only: another company gets nothing, or a 404', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    await expectOnlyItsCompanyFinds(context, ledger, { owner, id: (await ledger.append(owner, entry(5))).id }, other);
  });

  it('lists the company\'s rows newest first', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const first = await ledger.append(owner, entry(5));
    const second = await ledger.append(owner, entry(-1));
    await ledger.append(other, entry(3));
    expect((await ledger.listForCompany(owner, { limit: 10 })).data.map((row) => row.id)).toEqual([second.id, first.id]);
  });

  it('debits only what the balance holds, with its ledger row', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const actor = { type: 'api_key' as const, id: null, name: 'Integrator', publicId: 'vk_pub_1' };
    const resourceId = '019a0000-0000-7000-8000-000000000001';
    expect(await context.uow.run(() => ledger.debit(owner, 11, { resource: 'inspection', resourceId, actor, apiKeyId: null }))).toBeNull();
    expect((await ledger.listForCompany(owner, { limit: 10 })).data).toEqual([]);
    expect(await context.uow.run(() => ledger.debit(owner, 1, { resource: 'agreement', resourceId, actor, apiKeyId: null }))).toEqual({ balance: 9, lowBalanceThreshold: expect.any(Number) });
    const [row] = (await ledger.listForCompany(owner, { limit: 10 })).data;
    expect(row).toMatchObject({ delta: -1, balanceAfter: 9, reason: 'agreement', resourceType: 'agreement', resourceId, actor, apiKeyId: null, paymentReference: null });
    expect((await ledger.listForCompany(other, { limit: 10 })).data).toEqual([]);
  });

  it('orders concurrent debits\' rows by id as they took the balance: newest first, the balance rises row by row', async () => {
    const owner = await context.newCompany();
    const actor = { type: 'system' as const, id: null, name: 'test' };
    const debits = await Promise.all(
      Array.from({ length: 12 }, () => context.uow.runDetached(() => ledger.debit(owner, 1, { resource: 'inspection', resourceId: null, actor, apiKeyId: null }))),
    );
    expect(debits.filter((debit) => debit === null)).toHaveLength(2); // the balance was 10
    const rows = (await ledger.listForCompany(owner, { limit: 20 })).data;
    expect(rows.map((row) => row.balanceAfter)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(rows.every((row) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/.test(row.id))).toBe(true); // UUIDv7
  });

  it("makes a debit's id from the database's clock: a UUIDv7 of the millisecond, then its fraction, then a random tail", async () => {
    const [{ before, ids, after }] = await context.uow.manager.query<Array<{ before: string; ids: string[]; after: string }>>(
      `SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint::text AS before,
              array(SELECT uuid_v7_now()::text FROM generate_series(1, 200)) AS ids,
              floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint::text AS after`,
      [],
    );
    expect(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(200);
    // the 48 bits of the millisecond, then (after the version) the 12 of its fraction: never going back
    const times = ids.map((id) => BigInt(`0x${id.replaceAll('-', '').slice(0, 12)}`) * 4096n + BigInt(`0x${id.slice(15, 18)}`));
    expect(times.every((time, index) => index === 0 || time >= times[index - 1])).toBe(true);
    expect(times[0] / 4096n).toBeGreaterThanOrEqual(BigInt(before));
    expect(times.at(-1)! / 4096n).toBeLessThanOrEqual(BigInt(after));
  });

  it('takes the successor of the newest id when the clock has not moved past it (the embedded clock has whole milliseconds)', async () => {
    const next = async (previous: string) =>
      ((await context.uow.manager.query<Array<{ next: string }>>('SELECT uuid_v7_after($1::uuid)::text AS next', [previous]))[0]).next;
    expect(await next('019ac2f0-1234-7abc-8000-000000000000')).toBe('019ac2f0-1234-7abc-8000-000000000001');
    // the carry runs through the random tail, never into the time or the version
    expect(await next('019ac2f0-1234-7abc-80ff-ffffffffffff')).toBe('019ac2f0-1234-7abc-8100-000000000000');
  });

  it('lists by reason and by actor (its id, or a key\'s publicId) within the company', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const user = { type: 'user' as const, id: '01a00000-0000-7000-8000-000000000001', name: 'Olive' };
    const key = { type: 'api_key' as const, id: '01a00000-0000-7000-8000-000000000002', name: 'Depot', publicId: 'k3x9q2mf7a1b' };
    const topUp = await ledger.append(owner, { ...entry(5), actor: user });
    const debit = await ledger.append(owner, { ...entry(-1, key.id), actor: key });
    await ledger.append(other, { ...entry(-1, key.id), actor: key });
    const ids = async (query: { reason?: 'top_up' | 'inspection'; actor?: string }) => (await ledger.listForCompany(owner, { limit: 10, ...query })).data.map((row) => row.id);
    expect(await ids({ reason: 'inspection' })).toEqual([debit.id]);
    expect(await ids({ reason: 'top_up' })).toEqual([topUp.id]);
    expect(await ids({ actor: key.publicId })).toEqual([debit.id]);
    expect(await ids({ actor: key.id })).toEqual([debit.id]);
    expect(await ids({ actor: user.id })).toEqual([topUp.id]);
    expect(await ids({ actor: user.id, reason: 'inspection' })).toEqual([]);
  });
});
