import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventBody } from '../support/audit.js';
import { expectProblem, newCompany, newTeamMember, PASSWORD, type SignedUp } from '../support/factories.js';
import { enableApi, newKey } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('audit log (contract 1.1): sign-ins, changes, actor and action filters, the action catalogue', () => {
  let app: TestApp;
  let owner: SignedUp;
  beforeAll(async () => {
    app = await startTestApp();
    owner = await newCompany(app);
    await enableApi(app, owner);
  });
  afterAll(() => app.close());

  const events = async (who: SignedUp, query: Record<string, string> = {}): Promise<AuditEventBody[]> =>
    ((await app.http().get('/v1/audit-logs').query({ limit: '100', ...query }).set(who.auth).expect(200)).body as { data: AuditEventBody[] }).data;

  it('records sign-up, sign-in and a failed sign-in in the user\'s company, and nothing for an unknown e-mail', async () => {
    const company = await newCompany(app);
    await app.http().post('/v1/auth/login').send({ email: company.email, password: PASSWORD }).expect(200);
    await app.http().post('/v1/auth/login').send({ email: company.email, password: 'wrong password entirely' }).expect(401);
    await app.http().post('/v1/auth/login').send({ email: 'nobody-at-all@example.co.uk', password: 'wrong password entirely' }).expect(401);
    const recorded = await events(company, { action: 'auth.*' });
    expect(recorded.map((event) => [event.action, event.outcome, event.status])).toEqual([
      ['auth.login_failed', 'denied', 401],
      ['auth.login', 'success', 200],
      ['auth.signup', 'success', 201],
    ]);
    expect(recorded.every((event) => event.actor.type === 'user' && event.actor.id === company.userId)).toBe(true);
    expect(JSON.stringify(recorded)).not.toContain(PASSWORD);
    expect((await app.http().get('/v1/audit-logs/verify').set(company.auth).expect(200)).body).toMatchObject({ valid: true });
  });

  it('records the reuse of a spent refresh token', async () => {
    const company = await newCompany(app);
    await app.http().post('/v1/auth/refresh').send({ refreshToken: company.refreshToken }).expect(200);
    await app.http().post('/v1/auth/refresh').send({ refreshToken: company.refreshToken }).expect(401);
    const [event] = await events(company, { action: 'auth.refresh_reuse_detected' });
    expect(event).toMatchObject({ outcome: 'denied', status: 401, actor: { type: 'user', id: company.userId } });
    expect(JSON.stringify(event)).not.toContain(company.refreshToken);
  });

  it('records changes of API access and the allowlist, and null for actions that change no field', async () => {
    const company = await newCompany(app);
    await app.http().put('/v1/account/api-access').set(company.auth).send({ enabled: true }).expect(200);
    await app.http().put('/v1/account/ip-allowlist').set(company.auth).send({ cidrs: ['203.0.113.0/24'] }).expect(200);
    const key = await newKey(app, company);
    const [allowlist, access] = await events(company, { action: 'account.*' });
    expect(access.changes).toEqual({ apiEnabled: { from: false, to: true } });
    expect(allowlist.changes).toEqual({ ipAllowlist: { from: [], to: ['203.0.113.0/24'] } });
    const [created] = await events(company, { action: 'api_key.create' });
    expect(created).toMatchObject({ resourceId: key.publicId, changes: null });
    expect(JSON.stringify(created)).not.toContain(key.fullApiKey);
  });

  it('filters by actor as a user id or a key publicId, and by an action prefix', async () => {
    const key = await newKey(app, owner, { scopes: ['customers:write'] });
    await app.http().post('/v1/customers').set(key.auth).send({ name: 'Carol Customer' }).expect(201);
    await app.http().patch(`/v1/api-keys/${key.publicId}`).set(owner.auth).send({ name: 'Renamed' }).expect(200);
    const byKey = await events(owner, { actor: key.publicId });
    expect(byKey.map((event) => event.action)).toEqual(['customer.create']);
    const byOwner = await events(owner, { actor: owner.userId });
    expect(byOwner.every((event) => event.actor.id === owner.userId)).toBe(true);
    expect(byOwner.map((event) => event.action)).toContain('api_key.update');
    const keyActions = await events(owner, { action: 'api_key.*' });
    expect(keyActions.length).toBeGreaterThanOrEqual(2);
    expect(keyActions.every((event) => event.action.startsWith('api_key.'))).toBe(true);
    expect(await events(owner, { action: 'api_key' })).toEqual([]);
    for (const action of ['api_key.%', '*', 'API_KEY.*']) {
      expectProblem(await app.http().get('/v1/audit-logs').query({ action }).set(owner.auth), 400, 'validation_failed');
    }
    expectProblem(await app.http().get('/v1/audit-logs').query({ actor: "x' OR 1=1" }).set(owner.auth), 400, 'validation_failed');
  });

  it('lists every action the log can hold, with a description', async () => {
    const response = await app.http().get('/v1/audit-logs/actions').set(owner.auth).expect(200);
    const catalogue = (response.body as { data: Array<{ action: string; description: string }> }).data;
    const actions = catalogue.map((entry) => entry.action);
    for (const action of ['auth.login', 'auth.login_failed', 'auth.signup', 'auth.refresh_reuse_detected', 'api_key.update', 'api_key.revoke', 'vehicle.create']) {
      expect(actions).toContain(action);
    }
    expect(catalogue.every((entry) => entry.description.length > 0)).toBe(true);
    const member = await newTeamMember(app, owner, 'member');
    expectProblem(await app.http().get('/v1/audit-logs/actions').set(member.auth), 403, 'role_forbidden');
  });
});
