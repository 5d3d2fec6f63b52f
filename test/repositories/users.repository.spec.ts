import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompaniesRepository } from '../../src/identity/directory/companies.repository.js';
import { UsersRepository } from '../../src/identity/directory/users.repository.js';
import { expectOnlyItsCompanyFinds, type RepositoryContext, startRepositoryContext } from '../support/repositories.js';

describe('UsersRepository and CompaniesRepository', () => {
  let context: RepositoryContext;
  let users: UsersRepository;
  let companies: CompaniesRepository;
  beforeAll(async () => {
    context = await startRepositoryContext();
    users = context.get(UsersRepository);
    companies = context.get(CompaniesRepository);
  });
  afterAll(() => context.close());

  it('finds a member for its company only: another company gets nothing, or a 404', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    await expectOnlyItsCompanyFinds(context, users, { owner, id: (await context.newUser(owner)).id }, other);
  });

  it('answers for a removed user as for one that never existed, and counts only present owners', async () => {
    const company = await context.newCompany();
    const [first, second] = [await context.newUser(company), await context.newUser(company)];
    await context.newUser(company, 'member');
    expect(await users.countOwners(company)).toBe(2);
    await users.markRemoved(company, second.id);
    expect(await users.countOwners(company)).toBe(1);
    expect(await users.findForCompany(company, second.id)).toBeNull();
    await expect(users.getForCompany(company, second.id)).rejects.toMatchObject({ code: 'not_found' });
    expect((await users.listForCompany(company, { limit: 10 })).data.map((user) => user.id)).not.toContain(second.id);
    expect(await users.findByEmailWithPassword(second.email)).toBeNull();
    expect(await users.findByEmailWithPassword(first.email)).toMatchObject({ id: first.id, passwordHash: 'not-a-hash' });
  });

  it('names removed users too when asked by id, but only the company\'s own', async () => {
    const [company, other] = [await context.newCompany(), await context.newCompany()];
    const [present, removed] = [await context.newUser(company), await context.newUser(company, 'member')];
    await users.markRemoved(company, removed.id);
    const found = await users.findIncludingRemoved(company, [present.id, removed.id]);
    expect(found.map((user) => [user.id, user.removedAt === null]).sort()).toEqual([[present.id, true], [removed.id, false]].sort());
    expect(await users.findIncludingRemoved(other, [present.id, removed.id])).toEqual([]);
    expect(await users.findIncludingRemoved(company, [])).toEqual([]);
  });

  it('adds credits up to a ceiling', async () => {
    const company = await context.newCompany();
    expect(await companies.addCredits(company, 5, 15)).toBe(15);
    expect(await companies.addCredits(company, 1, 15)).toBeNull();
    expect((await companies.getById(company)).creditBalance).toBe(15);
  });
});
