import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPublicId } from '../../src/identity/api-keys/api-key-format.js';
import { ApiKeysRepository } from '../../src/identity/api-keys/api-keys.repository.js';
import { UsersRepository } from '../../src/identity/directory/users.repository.js';
import { expectOnlyItsCompanyFinds, type RepositoryContext, startRepositoryContext } from '../support/repositories.js';

describe('ApiKeysRepository', () => {
  let context: RepositoryContext;
  let keys: ApiKeysRepository;
  beforeAll(async () => {
    context = await startRepositoryContext();
    keys = context.get(ApiKeysRepository);
  });
  afterAll(() => context.close());

  const newKey = async (companyId: string) => {
    const users = context.get(UsersRepository);
    const user = await users.save(users.create({ companyId, email: `key-${randomUUID()}@example.co.uk`, name: 'Key Maker', passwordHash: 'x', role: 'owner' }));
    return keys.save(keys.create({ companyId, publicId: newPublicId(), name: 'ci', description: null, secretHash: 'a'.repeat(64), scopes: ['vehicles:read'], expiresAt: null, dailyCreditLimit: null, createdBy: user.id }));
  };

  it('finds a key by its publicId for its company only: another company gets nothing, or a 404', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const key = await newKey(owner);
    await expectOnlyItsCompanyFinds(context, keys, { owner, id: key.publicId }, other);
    expect(await keys.findForCompany(owner, key.id)).toBeNull();
  });

  it('lists the company\'s keys, revoked ones only when asked', async () => {
    const owner = await context.newCompany();
    const revoked = await newKey(owner);
    const live = await newKey(owner);
    revoked.revokedAt = new Date();
    await keys.save(revoked);
    expect((await keys.listForCompany(owner, { limit: 10 })).data.map((key) => key.publicId)).toEqual([live.publicId]);
    expect((await keys.listForCompany(owner, { limit: 10, includeRevoked: true })).data.map((key) => key.publicId)).toEqual([live.publicId, revoked.publicId]);
  });
});
