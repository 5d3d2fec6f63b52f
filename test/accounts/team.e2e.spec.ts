import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, newCompany, newTeamMember, PASSWORD, uniqueEmail } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('team', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  describe('POST /v1/account/users', () => {
    it('adds a user who can then sign in with their role', async () => {
      const owner = await newCompany(app);
      const email = uniqueEmail('member');
      const created = await app
        .http()
        .post('/v1/account/users')
        .set(owner.auth)
        .send({ email: `  ${email.toUpperCase()} `, name: 'Mo Member', password: PASSWORD, role: 'member' })
        .expect(201);
      expect(created.body).toEqual({ id: expect.any(String), email, name: 'Mo Member', role: 'member', createdAt: expect.any(String) });
      expect(created.body).not.toHaveProperty('password');
      expect(created.body).not.toHaveProperty('passwordHash');
      const login = await app.http().post('/v1/auth/login').send({ email, password: PASSWORD }).expect(200);
      const me = await app.http().get('/v1/auth/me').set('Authorization', `Bearer ${login.body.accessToken}`).expect(200);
      expect(me.body).toMatchObject({ type: 'user', companyId: owner.companyId, userId: created.body.id, role: 'member' });
    });

    it('answers 409 conflict for an e-mail already in use, in any company', async () => {
      const owner = await newCompany(app);
      const other = await newCompany(app);
      const response = await app
        .http()
        .post('/v1/account/users')
        .set(owner.auth)
        .send({ email: other.email, name: 'Dup', password: PASSWORD, role: 'member' });
      expectProblem(response, 409, 'conflict');
    });

    it('validates role, e-mail and password length', async () => {
      const owner = await newCompany(app);
      const response = await app
        .http()
        .post('/v1/account/users')
        .set(owner.auth)
        .send({ email: 'nope', name: 'X', password: 'short', role: 'superuser' });
      const problem = expectProblem(response, 400, 'validation_failed');
      const fields = new Set((problem.errors as { field: string }[]).map((error) => error.field));
      expect(fields).toEqual(new Set(['email', 'password', 'role']));
    });

    it.each(['admin', 'member', 'auditor'] as const)('answers 403 role_forbidden to a %s', async (role) => {
      const owner = await newCompany(app);
      const user = await newTeamMember(app, owner, role);
      const response = await app
        .http()
        .post('/v1/account/users')
        .set(user.auth)
        .send({ email: uniqueEmail(), name: 'X', password: PASSWORD, role: 'owner' });
      expectProblem(response, 403, 'role_forbidden');
    });
  });

  describe('GET /v1/account/users', () => {
    it('lists the company\'s users newest first, page by page', async () => {
      const owner = await newCompany(app);
      const admin = await newTeamMember(app, owner, 'admin');
      const member = await newTeamMember(app, owner, 'member');

      const first = await app.http().get('/v1/account/users?limit=1').set(owner.auth).expect(200);
      expect(first.body.data.map((user: { id: string }) => user.id)).toEqual([member.userId]);
      expect(first.body.nextCursor).toEqual(expect.any(String));

      const second = await app.http().get(`/v1/account/users?limit=1&cursor=${first.body.nextCursor}`).set(owner.auth).expect(200);
      expect(second.body.data.map((user: { id: string }) => user.id)).toEqual([admin.userId]);

      const rest = await app.http().get(`/v1/account/users?limit=5&cursor=${second.body.nextCursor}`).set(owner.auth).expect(200);
      expect(rest.body).toEqual({ data: [expect.objectContaining({ id: owner.userId, role: 'owner' })], nextCursor: null });

      const all = await app.http().get('/v1/account/users').set(owner.auth).expect(200);
      expect(all.body.data.map((user: { id: string }) => user.id)).toEqual([member.userId, admin.userId, owner.userId]);
      expect(all.body.nextCursor).toBeNull();
    });

    it('never shows another company\'s users', async () => {
      const owner = await newCompany(app);
      const other = await newCompany(app);
      await newTeamMember(app, other, 'member');
      const response = await app.http().get('/v1/account/users').set(owner.auth).expect(200);
      expect(response.body.data.map((user: { id: string }) => user.id)).toEqual([owner.userId]);
    });

    it.each(['0', '101', '-1', 'abc', '1.5'])('answers 400 for limit=%s', async (limit) => {
      const owner = await newCompany(app);
      const problem = expectProblem(await app.http().get(`/v1/account/users?limit=${limit}`).set(owner.auth), 400, 'validation_failed');
      expect(new Set((problem.errors as { field: string }[]).map((error) => error.field))).toEqual(new Set(['limit']));
    });

    it.each(['garbage', 'djE6bm90LWEtdXVpZA', '%00%01'])('answers 400 for cursor=%s', async (cursor) => {
      const owner = await newCompany(app);
      const problem = expectProblem(await app.http().get(`/v1/account/users?cursor=${cursor}`).set(owner.auth), 400, 'validation_failed');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    });

    it('answers 400 for an unknown query parameter', async () => {
      const owner = await newCompany(app);
      const problem = expectProblem(await app.http().get('/v1/account/users?sort=name').set(owner.auth), 400, 'validation_failed');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'sort' })]);
    });
  });

  describe('PATCH /v1/account/users/{id}', () => {
    it('renames and changes the role', async () => {
      const owner = await newCompany(app);
      const member = await newTeamMember(app, owner, 'member');
      const response = await app
        .http()
        .patch(`/v1/account/users/${member.userId}`)
        .set(owner.auth)
        .send({ name: 'Promoted', role: 'admin' })
        .expect(200);
      expect(response.body).toMatchObject({ id: member.userId, name: 'Promoted', role: 'admin', email: member.email });
    });

    it('takes a demotion into account on the very next request', async () => {
      const owner = await newCompany(app);
      const other = await newTeamMember(app, owner, 'owner');
      await app.http().get('/v1/account/users').set(other.auth).expect(200);
      await app.http().patch(`/v1/account/users/${other.userId}`).set(owner.auth).send({ role: 'member' }).expect(200);
      expectProblem(await app.http().get('/v1/account/users').set(other.auth), 403, 'role_forbidden');
      expectProblem(await app.http().put('/v1/account/api-access').set(other.auth).send({ enabled: true }), 403, 'role_forbidden');
      const me = await app.http().get('/v1/auth/me').set(other.auth).expect(200);
      expect(me.body.role).toBe('member');
    });

    it('answers 409 conflict when demoting the only owner, and keeps them owner', async () => {
      const owner = await newCompany(app);
      const response = await app.http().patch(`/v1/account/users/${owner.userId}`).set(owner.auth).send({ role: 'admin' });
      expectProblem(response, 409, 'conflict');
      expect((await app.http().get('/v1/auth/me').set(owner.auth)).body.role).toBe('owner');
    });

    it('lets one of two owners step down', async () => {
      const owner = await newCompany(app);
      const second = await newTeamMember(app, owner, 'owner');
      await app.http().patch(`/v1/account/users/${owner.userId}`).set(owner.auth).send({ role: 'admin' }).expect(200);
      expectProblem(await app.http().patch(`/v1/account/users/${second.userId}`).set(second.auth).send({ role: 'admin' }), 409, 'conflict');
    });

    it('answers 404 for a user of another company or a missing one', async () => {
      const owner = await newCompany(app);
      const other = await newCompany(app);
      const foreign = await newTeamMember(app, other, 'member');
      const response = await app.http().patch(`/v1/account/users/${foreign.userId}`).set(owner.auth).send({ role: 'owner' });
      const missing = await app.http().patch('/v1/account/users/0190e7a4-0000-7000-8000-000000000000').set(owner.auth).send({ role: 'owner' });
      expect(expectProblem(response, 404, 'not_found').detail).toBe(expectProblem(missing, 404, 'not_found').detail);
      expect((await app.http().get('/v1/auth/me').set(foreign.auth)).body.role).toBe('member');
    });

    it('refuses unknown properties such as email or password', async () => {
      const owner = await newCompany(app);
      const member = await newTeamMember(app, owner, 'member');
      const response = await app.http().patch(`/v1/account/users/${member.userId}`).set(owner.auth).send({ email: uniqueEmail() });
      const problem = expectProblem(response, 400, 'validation_failed');
      expect(problem.errors).toEqual([{ field: 'email', message: 'is not allowed' }]);
    });

    it('answers 403 role_forbidden to an admin', async () => {
      const owner = await newCompany(app);
      const admin = await newTeamMember(app, owner, 'admin');
      const response = await app.http().patch(`/v1/account/users/${admin.userId}`).set(admin.auth).send({ role: 'owner' });
      expectProblem(response, 403, 'role_forbidden');
    });
  });

  describe('DELETE /v1/account/users/{id}', () => {
    it('removes a user: their token, refresh token and password stop working at once', async () => {
      const owner = await newCompany(app);
      const member = await newTeamMember(app, owner, 'member');
      await app.http().get('/v1/account').set(member.auth).expect(200);
      await app.http().delete(`/v1/account/users/${member.userId}`).set(owner.auth).expect(204);

      expectProblem(await app.http().get('/v1/account').set(member.auth), 401, 'invalid_credentials');
      expectProblem(await app.http().post('/v1/auth/refresh').send({ refreshToken: member.refreshToken }), 401, 'invalid_credentials');
      expectProblem(await app.http().post('/v1/auth/login').send({ email: member.email, password: PASSWORD }), 401, 'invalid_credentials');
      const list = await app.http().get('/v1/account/users').set(owner.auth).expect(200);
      expect(list.body.data.map((user: { id: string }) => user.id)).toEqual([owner.userId]);
    });

    it('frees the e-mail for a new user', async () => {
      const owner = await newCompany(app);
      const member = await newTeamMember(app, owner, 'member');
      await app.http().delete(`/v1/account/users/${member.userId}`).set(owner.auth).expect(204);
      await app
        .http()
        .post('/v1/account/users')
        .set(owner.auth)
        .send({ email: member.email, name: 'Again', password: PASSWORD, role: 'auditor' })
        .expect(201);
    });

    it('answers 409 conflict when removing the only owner', async () => {
      const owner = await newCompany(app);
      expectProblem(await app.http().delete(`/v1/account/users/${owner.userId}`).set(owner.auth), 409, 'conflict');
      await app.http().get('/v1/account').set(owner.auth).expect(200);
    });

    it('answers 404 for an already removed user', async () => {
      const owner = await newCompany(app);
      const member = await newTeamMember(app, owner, 'member');
      await app.http().delete(`/v1/account/users/${member.userId}`).set(owner.auth).expect(204);
      expectProblem(await app.http().delete(`/v1/account/users/${member.userId}`).set(owner.auth), 404, 'not_found');
    });

    it('answers 404 for another company\'s user and leaves them alone', async () => {
      const owner = await newCompany(app);
      const other = await newCompany(app);
      expectProblem(await app.http().delete(`/v1/account/users/${other.userId}`).set(owner.auth), 404, 'not_found');
      await app.http().get('/v1/account').set(other.auth).expect(200);
    });

    it('keeps an owner when two owners remove each other at the same time', async () => {
      const owner = await newCompany(app);
      const second = await newTeamMember(app, owner, 'owner');
      const results = await Promise.all([
        app.http().delete(`/v1/account/users/${second.userId}`).set(owner.auth),
        app.http().delete(`/v1/account/users/${owner.userId}`).set(second.auth),
      ]);
      const statuses = results.map((response) => response.status).sort();
      // Whichever runs second either sees the other's removal (401/409) — never both succeed.
      expect(statuses.filter((status) => status === 204)).toHaveLength(1);
      const survivor = results[0].status === 204 ? owner : second;
      const me = await app.http().get('/v1/auth/me').set(survivor.auth).expect(200);
      expect(me.body.role).toBe('owner');
    });
  });
});
