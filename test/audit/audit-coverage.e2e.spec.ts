import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeclaredRoute, declaredRoutes, eventsOfRequest, newRequestId, storedAuditRows } from '../support/audit.js';
import { newCompany, newTeamMember, PASSWORD, type SignedUp, uniqueEmail } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Writes that need no audit: they create or exchange credentials before anyone is known. */
const PUBLIC_WRITES = ['POST /v1/auth/signup', 'POST /v1/auth/login', 'POST /v1/auth/refresh', 'POST /v1/auth/logout', 'POST /v1/auth/api-key/token'];

const concretePath = (route: DeclaredRoute) =>
  route.path.replace(/:publicId\b/g, 'nosuchkey1').replace(/:[A-Za-z]+/g, () => randomUUID());

const outcomeOf = (status: number) => (status < 400 ? 'success' : [401, 402, 403].includes(status) ? 'denied' : 'error');

describe('audit coverage', () => {
  let app: TestApp;
  let owner: SignedUp;
  let writes: DeclaredRoute[];

  beforeAll(async () => {
    app = await startTestApp();
    owner = await newCompany(app);
    writes = declaredRoutes(app).filter((route) => route.method !== 'GET' && route.path.startsWith('/v1/'));
  });
  afterAll(() => app.close());

  it('finds every write route in the metadata, each @Audited except the public auth ones', () => {
    expect(writes.length).toBeGreaterThan(PUBLIC_WRITES.length);
    const unaudited = writes.filter((route) => !route.action).map((route) => `${route.method} ${route.path}`);
    expect(unaudited.sort()).toEqual([...PUBLIC_WRITES].sort());
    for (const route of writes) {
      if (route.action) expect(route.access?.kind, `${route.method} ${route.path}`).not.toBe('public');
    }
  });

  it('leaves exactly one event, with the caller and the route\'s action, for every audited route', async () => {
    for (const route of writes.filter((candidate) => candidate.action)) {
      const requestId = newRequestId();
      const response = await app.http()[route.method.toLowerCase() as 'post'](concretePath(route)).set(owner.auth).set('X-Request-Id', requestId).send({});
      const events = await eventsOfRequest(app, owner.auth, requestId);
      expect(events, `${route.method} ${route.path} → ${response.status}`).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: route.action,
        method: route.method,
        actor: { type: 'user', id: owner.userId },
        status: response.status,
        outcome: outcomeOf(response.status),
      });
    }
  });

  it('answers an auditor 403 on every write but making an audit checkpoint, and records each as denied', async () => {
    const company = await newCompany(app);
    const auditor = await newTeamMember(app, company, 'auditor');
    // the contract lets auditors sign a checkpoint of the log they audit (POST /v1/audit-logs/checkpoints)
    const audited = writes.filter((route) => route.action && route.action !== 'audit.checkpoint');
    expect(writes.some((route) => route.action === 'audit.checkpoint')).toBe(true);
    for (const route of audited) {
      const response = await app.http()[route.method.toLowerCase() as 'post'](concretePath(route)).set(auditor.auth).send({});
      expect(response.status, `${route.method} ${route.path}`).toBe(403);
    }
    const rows = await storedAuditRows(app, company.companyId);
    const denied = rows.filter((row) => row.actor_id === auditor.userId && row.action !== 'auth.login');
    expect(denied).toHaveLength(audited.length);
    expect(denied.every((row) => row.outcome === 'denied' && row.status === 403)).toBe(true);
  });

  it('stores no secret in any column after a full scenario', async () => {
    const company = await newCompany(app);
    const secrets = [PASSWORD, company.accessToken, company.refreshToken];
    const refreshed = (await app.http().post('/v1/auth/refresh').send({ refreshToken: company.refreshToken }).expect(200)).body as { accessToken: string; refreshToken: string };
    secrets.push(refreshed.accessToken, refreshed.refreshToken);
    const auth = { Authorization: `Bearer ${refreshed.accessToken}` };
    const memberPassword = 'another long secret password 42';
    await app.http().post('/v1/account/users').set(auth).send({ email: uniqueEmail(), name: 'Mia', password: memberPassword, role: 'member' }).expect(201);
    secrets.push(memberPassword);
    await app.http().put('/v1/account/api-access').set(auth).send({ enabled: true }).expect(200);
    const key = (await app.http().post('/v1/api-keys').set(auth).send({ name: 'integration', scopes: ['customers:write'] }).expect(201)).body as { publicId: string; fullApiKey: string };
    secrets.push(key.fullApiKey, key.fullApiKey.slice(`vk_${key.publicId}_`.length));
    await app.http().post('/v1/customers').set('Authorization', `Bearer ${key.fullApiKey}`).send({ name: 'Key Customer' }).expect(201);
    const exchanged = (await app.http().get('/v1/auth/api-key/token').query({ apiKey: key.fullApiKey }).expect(200)).body as { accessToken: string; refreshToken: string };
    secrets.push(exchanged.accessToken, exchanged.refreshToken);
    await app.http().post('/v1/customers').set('Authorization', `Bearer ${exchanged.accessToken}`).send({ name: 'Token Customer' }).expect(201);
    const rotated = (await app.http().post(`/v1/api-keys/${key.publicId}/rotate`).set(auth).send({}).expect(200)).body as { fullApiKey: string };
    secrets.push(rotated.fullApiKey, rotated.fullApiKey.slice(`vk_${key.publicId}_`.length));
    await app.http().post(`/v1/customers?apiKey=${encodeURIComponent(rotated.fullApiKey)}`).set('Authorization', `Bearer ${rotated.fullApiKey}`).send({ name: 'Q' }).expect(201);
    await app.http().delete(`/v1/api-keys/${key.publicId}`).set(auth).expect(200);
    await app.http().post('/v1/customers').set('Authorization', `Bearer ${rotated.fullApiKey}`).send({ name: 'Refused' }).expect(401);

    const rows = await storedAuditRows(app, company.companyId);
    expect(rows.map((row) => row.action)).toEqual(expect.arrayContaining(['user.create', 'api_key.create', 'customer.create', 'api_key.rotate', 'api_key.revoke']));
    expect(rows.filter((row) => row.actor_public_id === key.publicId && row.outcome === 'denied')).toHaveLength(1);
    const stored = JSON.stringify(rows);
    for (const secret of secrets) expect(stored.includes(secret), `a secret of ${secret.length} chars is in the audit table`).toBe(false);
    expect(stored).not.toMatch(/vk_[a-z0-9]+_[A-Za-z0-9_-]{8,}/);
  });
});
