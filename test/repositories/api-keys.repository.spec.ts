import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPublicId } from '../../src/identity/api-keys/api-key-format.js';
import { type ApiKey, ApiKeysRepository } from '../../src/identity/api-keys/api-keys.repository.js';
import { KeyUsageMeter } from '../../src/identity/api-keys/key-usage.meter.js';
import { KeyUsageRepository } from '../../src/identity/api-keys/key-usage.repository.js';
import { withExpiryClaims } from '../support/keys.js';
import { expectOnlyItsCompanyFinds, type RepositoryContext, startRepositoryContext } from '../support/repositories.js';

const DAY_MS = 86_400_000;

describe('ApiKeysRepository and KeyUsageRepository', () => {
  let context: RepositoryContext;
  let keys: ApiKeysRepository;
  beforeAll(async () => {
    context = await startRepositoryContext();
    keys = context.get(ApiKeysRepository);
  });
  afterAll(() => context.close());

  const newKey = async (companyId: string, values: Partial<ApiKey> = {}) => {
    const createdBy = values.createdBy ?? (await context.newUser(companyId)).id;
    return keys.save(keys.create({
      companyId, publicId: newPublicId(), name: 'Depot key', description: null, secretHash: randomBytes(32).toString('hex'),
      scopes: ['vehicles:read'], expiresAt: null, ipAllowlist: [], dailyCreditLimit: null, ...values, createdBy,
    }));
  };

  it('finds a key by its publicId for its company only: another company gets nothing, or a 404', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    await expectOnlyItsCompanyFinds(context, keys, { owner, id: (await newKey(owner)).publicId }, other);
  });

  it('lists the company\'s keys by status and by a search in name or description', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const active = await newKey(owner, { name: 'Depot 50%_off' });
    const expired = await newKey(owner, { description: 'Night shift', expiresAt: new Date(Date.now() - DAY_MS) });
    const revoked = await newKey(owner, { revokedAt: new Date(), revokedReason: 'revoked' });
    await newKey(other);
    const ids = async (query: Parameters<ApiKeysRepository['listForCompany']>[1]) => (await keys.listForCompany(owner, query)).data.map((key) => key.publicId).sort();

    expect(await ids({ limit: 10, includeRevoked: false })).toEqual([active.publicId, expired.publicId].sort());
    expect(await ids({ limit: 10, includeRevoked: true })).toEqual([active.publicId, expired.publicId, revoked.publicId].sort());
    expect(await ids({ limit: 10, includeRevoked: false, status: 'ACTIVE' })).toEqual([active.publicId]);
    expect(await ids({ limit: 10, includeRevoked: false, status: 'EXPIRED' })).toEqual([expired.publicId]);
    expect(await ids({ limit: 10, includeRevoked: false, status: 'REVOKED' })).toEqual([revoked.publicId]);
    expect(await ids({ limit: 10, includeRevoked: false, q: 'NIGHT' })).toEqual([expired.publicId]);
    expect(await ids({ limit: 10, includeRevoked: false, q: '50%_' })).toEqual([active.publicId]);
    expect(await ids({ limit: 10, includeRevoked: false, q: '5_%' })).toEqual([]);
  });

  it('locks a creator\'s unrevoked keys, oldest first, and none of another company', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const creator = (await context.newUser(owner)).id;
    const [first, second] = [await newKey(owner, { createdBy: creator }), await newKey(owner, { createdBy: creator })];
    await newKey(owner, { createdBy: creator, revokedAt: new Date(), revokedReason: 'revoked' });
    await newKey(owner);
    const locked = await context.uow.run(() => keys.lockActiveOfCreator(owner, creator));
    expect(locked.map((key) => key.publicId)).toEqual([first.publicId, second.publicId]);
    expect(await context.uow.run(() => keys.lockActiveOfCreator(other, creator))).toEqual([]);
  });

  it('claims an expiry warning once per notice and expiry, and again when the expiry changes', async () => {
    await withExpiryClaims(context.app.dataSource, async () => {
      const owner = await context.newCompany();
      const inThreeDays = await newKey(owner, { expiresAt: new Date(Date.now() + 3 * DAY_MS) });
      const inAnHour = await newKey(owner, { expiresAt: new Date(Date.now() + 3_600_000) });
      const claimed = async (notice: '7d' | '1d') =>
        (await context.uow.run(() => keys.claimExpiryWarnings(notice))).filter((key) => key.companyId === owner).map((key) => key.publicId);

      expect(await claimed('7d')).toEqual([inThreeDays.publicId]);
      expect(await claimed('1d')).toEqual([inAnHour.publicId]);
      expect(await claimed('7d')).toEqual([]);
      inThreeDays.expiresAt = new Date(Date.now() + 4 * DAY_MS);
      await keys.save(inThreeDays);
      expect(await claimed('7d')).toEqual([inThreeDays.publicId]);
    });
  });

  it('reads a key\'s usage buckets for its company only', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const key = await newKey(owner);
    const meter = context.get(KeyUsageMeter);
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const caller = { type: 'api_key' as const, companyId: owner, userId: key.createdBy, name: key.name, apiKeyId: key.id, publicId: key.publicId };
    meter.count(caller, 200, 1, hour + 60_000);
    meter.count(caller, 403, 0, hour + 120_000);
    await meter.flush();
    const usage = context.get(KeyUsageRepository);
    const [from, to] = [new Date(hour - 3_600_000), new Date(hour + 3_600_000)];
    expect(await usage.bucketsOf(owner, key.id, 'hour', from, to)).toEqual([
      { bucket_start: new Date(hour), requests: 2, succeeded: 1, denied: 1, failed: 0, credits_spent: 1 },
    ]);
    expect(await usage.bucketsOf(other, key.id, 'hour', from, to)).toEqual([]);
  });
});
