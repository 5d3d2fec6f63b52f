import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/platform/database/uuid-entity.js';
import { RefreshTokensRepository } from '../../src/identity/sessions/refresh-tokens.repository.js';
import { expectOnlyItsCompanyFinds, type RepositoryContext, startRepositoryContext } from '../support/repositories.js';

describe('RefreshTokensRepository', () => {
  let context: RepositoryContext;
  let tokens: RefreshTokensRepository;
  beforeAll(async () => {
    context = await startRepositoryContext();
    tokens = context.get(RefreshTokensRepository);
  });
  afterAll(() => context.close());

  /** A stored token of the user (its hash is random: the repository never sees a token itself). */
  const newToken = async (companyId: string, userId: string, familyId = newId()) => {
    const tokenHash = randomBytes(32).toString('hex');
    await tokens.add({ familyId, tokenHash, companyId, userId, apiKeyPublicId: null, apiKeyGeneration: null, expiresAt: new Date(Date.now() + 60_000) });
    return (await tokens.findByHash(tokenHash))!;
  };

  it('finds a token for its company only: another company gets nothing, or a 404', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const token = await newToken(owner, (await context.newUser(owner)).id);
    await expectOnlyItsCompanyFinds(context, tokens, { owner, id: token.id }, other);
  });

  it('finds a token by its hash alone, locked when asked, and marks it spent only for its company', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const token = await newToken(owner, (await context.newUser(owner)).id);
    await context.uow.run(async () => expect(await tokens.findByHash(token.tokenHash, { lock: true })).toMatchObject({ id: token.id, companyId: owner }));
    expect(await tokens.findByHash(randomBytes(32).toString('hex'))).toBeNull();

    await tokens.markSpent(other, token.id);
    expect((await tokens.findByHash(token.tokenHash))!.spentAt).toBeNull();
    await tokens.markSpent(owner, token.id);
    expect((await tokens.findByHash(token.tokenHash))!.spentAt).toBeInstanceOf(Date);
  });

  it('revokes a family\'s or a user\'s open tokens, never another company\'s', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const [user, colleague] = [await context.newUser(owner), await context.newUser(owner, 'member')];
    const family = newId();
    const [first, second] = [await newToken(owner, user.id, family), await newToken(owner, user.id, family)];
    const elsewhere = await newToken(owner, user.id);
    const colleagues = await newToken(owner, colleague.id);
    const revoked = async (token: { tokenHash: string }) => (await tokens.findByHash(token.tokenHash))!.revokedAt !== null;

    await tokens.revokeAll(other, { familyId: family });
    await tokens.revokeAll(other, { userId: user.id });
    expect(await Promise.all([first, second, elsewhere].map(revoked))).toEqual([false, false, false]);

    await tokens.revokeAll(owner, { familyId: family });
    expect(await Promise.all([first, second, elsewhere].map(revoked))).toEqual([true, true, false]);
    await tokens.revokeAll(owner, { userId: user.id });
    expect(await Promise.all([elsewhere, colleagues].map(revoked))).toEqual([true, false]);
  });
});
