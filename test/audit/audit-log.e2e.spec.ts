import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditEventBody, eventsOfRequest, newRequestId } from '../support/audit.js';
import { expectProblem, newCompany, newTeamMember, PASSWORD, type SignedUp, uniqueEmail } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const HEX64 = /^[0-9a-f]{64}$/;

/** A minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += char;
  }
  return rows;
}

describe('audit log', () => {
  let app: TestApp;
  let owner: SignedUp;
  let auditor: SignedUp;
  let member: SignedUp;

  beforeAll(async () => {
    app = await startTestApp();
    owner = await newCompany(app);
    auditor = await newTeamMember(app, owner, 'auditor');
    member = await newTeamMember(app, owner, 'member');
  });
  afterAll(() => app.close());

  const only = async (requestId: string, reader: SignedUp = owner): Promise<AuditEventBody> => {
    const events = await eventsOfRequest(app, reader.auth, requestId);
    expect(events).toHaveLength(1);
    return events[0];
  };

  describe('recording', () => {
    it('records a successful write with its actor, call and resource, and never the query string', async () => {
      const requestId = newRequestId();
      await app.http().put('/v1/account/ip-allowlist?token=should-not-be-stored').set(owner.auth)
        .set('X-Request-Id', requestId).set('User-Agent', 'audit-test-agent').set('Idempotency-Key', 'idem-1')
        .send({ cidrs: [] }).expect(200);
      const event = await only(requestId);
      expect(event).toMatchObject({
        companyId: owner.companyId,
        actor: { type: 'user', id: owner.userId, name: 'Olive Owner' },
        userAgent: 'audit-test-agent',
        requestId,
        action: 'account.ip_allowlist.update',
        method: 'PUT',
        path: '/v1/account/ip-allowlist',
        resourceType: 'account',
        resourceId: owner.companyId,
        status: 200,
        outcome: 'success',
        creditsSpent: 0,
        idempotencyKey: 'idem-1',
      });
      expect(event.actor).not.toHaveProperty('publicId');
      expect(event.ip).toEqual(expect.any(String));
      expect(event.seq).toBeGreaterThan(0);
      expect(event.prevHash).toMatch(HEX64);
      expect(event.hash).toMatch(HEX64);
      expect(JSON.stringify(event)).not.toContain('should-not-be-stored');
    });

    it('records the declared status and the route id of a 204 removal', async () => {
      const doomed = await newTeamMember(app, owner, 'member');
      const requestId = newRequestId();
      await app.http().delete(`/v1/account/users/${doomed.userId}`).set(owner.auth).set('X-Request-Id', requestId).expect(204);
      expect(await only(requestId)).toMatchObject({ action: 'user.remove', status: 204, outcome: 'success', resourceType: 'user', resourceId: doomed.userId });
    });

    it('records a created record with 201 and its new id', async () => {
      const requestId = newRequestId();
      const created = await app.http().post('/v1/account/users').set(owner.auth).set('X-Request-Id', requestId)
        .send({ email: uniqueEmail(), name: 'New Member', password: PASSWORD, role: 'member' }).expect(201);
      expect(await only(requestId)).toMatchObject({ action: 'user.create', status: 201, outcome: 'success', resourceId: (created.body as { id: string }).id });
    });

    it('records a role refusal as denied, with the refused user as actor', async () => {
      const byAuditor = newRequestId();
      expectProblem(await app.http().post('/v1/account/users').set(auditor.auth).set('X-Request-Id', byAuditor)
        .send({ email: uniqueEmail(), name: 'X', password: PASSWORD, role: 'member' }), 403, 'role_forbidden');
      expect(await only(byAuditor)).toMatchObject({
        actor: { type: 'user', id: auditor.userId }, action: 'user.create', status: 403, outcome: 'denied', method: 'POST',
      });
      const byMember = newRequestId();
      expectProblem(await app.http().put('/v1/account/api-access').set(member.auth).set('X-Request-Id', byMember)
        .send({ enabled: true }), 403, 'role_forbidden');
      expect(await only(byMember)).toMatchObject({ actor: { id: member.userId }, action: 'account.api_access.update', status: 403, outcome: 'denied' });
    });

    it('records a failed write as error, in a transaction of its own', async () => {
      const missing = newRequestId();
      expectProblem(await app.http().patch(`/v1/account/users/${randomUUID()}`).set(owner.auth).set('X-Request-Id', missing)
        .send({ name: 'Nobody' }), 404, 'not_found');
      expect(await only(missing)).toMatchObject({ action: 'user.update', status: 404, outcome: 'error', resourceType: 'user' });

      const invalidBody = newRequestId();
      expectProblem(await app.http().put('/v1/account/api-access').set(owner.auth).set('X-Request-Id', invalidBody)
        .send({ enabled: 'yes' }), 400, 'validation_failed');
      expect(await only(invalidBody)).toMatchObject({ action: 'account.api_access.update', status: 400, outcome: 'error' });

      const duplicate = newRequestId();
      expectProblem(await app.http().post('/v1/account/users').set(owner.auth).set('X-Request-Id', duplicate)
        .send({ email: member.email, name: 'Dup', password: PASSWORD, role: 'member' }), 409, 'conflict');
      expect(await only(duplicate)).toMatchObject({ action: 'user.create', status: 409, outcome: 'error', resourceId: null });
    });

    it('records a revoked API key\'s refused write as denied, by its publicId', async () => {
      await app.http().put('/v1/account/api-access').set(owner.auth).send({ enabled: true }).expect(200);
      const key = (await app.http().post('/v1/api-keys').set(owner.auth).send({ name: 'revoked soon', scopes: ['customers:write'] }).expect(201))
        .body as { publicId: string; fullApiKey: string; id: string };
      await app.http().delete(`/v1/api-keys/${key.publicId}`).set(owner.auth).expect(200);
      const requestId = newRequestId();
      expectProblem(await app.http().post('/v1/customers').set('Authorization', `Bearer ${key.fullApiKey}`).set('X-Request-Id', requestId)
        .send({ name: 'Carol Customer' }), 401, 'api_key_revoked');
      const event = await only(requestId);
      expect(event).toMatchObject({
        actor: { type: 'api_key', id: key.id, name: 'revoked soon', publicId: key.publicId },
        action: 'customer.create', status: 401, outcome: 'denied',
      });
      expect(JSON.stringify(event)).not.toContain(key.fullApiKey.slice(key.publicId.length + 4));
    });
  });

  describe('reading', () => {
    let other: SignedUp;
    beforeAll(async () => {
      other = await newCompany(app);
    });

    it('lists newest first with a cursor, each event once', async () => {
      const seen: AuditEventBody[] = [];
      let cursor: string | null = null;
      do {
        const response = await app.http().get('/v1/audit-logs').query({ limit: 2, ...(cursor ? { cursor } : {}) }).set(auditor.auth).expect(200);
        const page = response.body as { data: AuditEventBody[]; nextCursor: string | null };
        expect(page.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.data);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen.length).toBeGreaterThan(5);
      expect(seen.map((event) => event.seq)).toEqual([...seen.map((event) => event.seq)].sort((a, b) => b - a));
      expect(new Set(seen.map((event) => event.id)).size).toBe(seen.length);
      expect(seen.at(-1)!.seq).toBe(1);
      expect(seen.every((event) => event.companyId === owner.companyId)).toBe(true);
    });

    it('filters by actor, action, resource, outcome and time', async () => {
      const get = async (query: Record<string, string>) =>
        ((await app.http().get('/v1/audit-logs').query({ limit: 100, ...query }).set(owner.auth).expect(200)).body as { data: AuditEventBody[] }).data;
      const denied = await get({ outcome: 'denied' });
      expect(denied.length).toBeGreaterThanOrEqual(2);
      expect(denied.every((event) => event.outcome === 'denied')).toBe(true);
      const byAuditor = await get({ actorId: auditor.userId });
      expect(byAuditor.length).toBeGreaterThan(0);
      expect(byAuditor.every((event) => event.actor.id === auditor.userId)).toBe(true);
      const creates = await get({ action: 'user.create', outcome: 'success' });
      expect(creates.every((event) => event.action === 'user.create' && event.outcome === 'success')).toBe(true);
      const target = creates[0];
      const byResource = await get({ resourceType: 'user', resourceId: target.resourceId! });
      expect(byResource.map((event) => event.id)).toContain(target.id);
      expect(byResource.every((event) => event.resourceId === target.resourceId)).toBe(true);
      const at = await get({ from: target.occurredAt, to: new Date(Date.parse(target.occurredAt) + 1).toISOString() });
      expect(at.map((event) => event.id)).toContain(target.id);
      expect(await get({ to: target.occurredAt })).not.toContainEqual(expect.objectContaining({ id: target.id }));
    });

    it('refuses bad filters and cursors with validation_failed', async () => {
      for (const query of [{ outcome: 'maybe' }, { from: 'yesterday' }, { actorId: 'x' }, { limit: '0' }, { cursor: 'bm9wZQ' }]) {
        expectProblem(await app.http().get('/v1/audit-logs').query(query).set(owner.auth), 400, 'validation_failed');
      }
    });

    it('returns one event by id, and another company\'s as not found', async () => {
      const [latest] = ((await app.http().get('/v1/audit-logs?limit=1').set(owner.auth).expect(200)).body as { data: AuditEventBody[] }).data;
      const one = await app.http().get(`/v1/audit-logs/${latest.id}`).set(auditor.auth).expect(200);
      expect(one.body).toEqual(latest);
      expectProblem(await app.http().get(`/v1/audit-logs/${latest.id}`).set(other.auth), 404, 'not_found');
      expectProblem(await app.http().get('/v1/audit-logs/not-a-uuid').set(owner.auth), 404, 'not_found');
      const theirs = (await app.http().get('/v1/audit-logs').set(other.auth).expect(200)).body as { data: AuditEventBody[] };
      expect(theirs.data.every((event) => event.companyId === other.companyId)).toBe(true);
    });

    it('is readable by auditors and admins, not by members', async () => {
      const admin = await newTeamMember(app, owner, 'admin');
      await app.http().get('/v1/audit-logs').set(admin.auth).expect(200);
      await app.http().get('/v1/audit-logs/verify').set(auditor.auth).expect(200);
      expectProblem(await app.http().get('/v1/audit-logs').set(member.auth), 403, 'role_forbidden');
      expectProblem(await app.http().get('/v1/audit-logs/export?format=csv').set(member.auth), 403, 'role_forbidden');
    });
  });

  describe('export and verify', () => {
    let company: SignedUp;
    let tricky: SignedUp;
    const trickyName = 'Ann "Boss", Jr.\n=cmd|\'/c calc\'!A1';
    const trickyAgent = '=HYPERLINK("http://evil.example"),x';

    beforeAll(async () => {
      company = await newCompany(app);
      const created = await app.http().post('/v1/account/users').set(company.auth)
        .send({ email: uniqueEmail('tricky'), name: trickyName, password: PASSWORD, role: 'owner' }).expect(201);
      const login = await app.http().post('/v1/auth/login').send({ email: (created.body as { email: string }).email, password: PASSWORD }).expect(200);
      tricky = { ...company, userId: (created.body as { id: string }).id, auth: { Authorization: `Bearer ${(login.body as { accessToken: string }).accessToken}` } };
      await app.http().put('/v1/account/ip-allowlist').set(tricky.auth).set('User-Agent', trickyAgent).send({ cidrs: [] }).expect(200);
      await app.http().put('/v1/account/api-access').set(company.auth).send({ enabled: false }).expect(200);
    });

    const allEvents = async (): Promise<AuditEventBody[]> =>
      ((await app.http().get('/v1/audit-logs?limit=100').set(company.auth).expect(200)).body as { data: AuditEventBody[] }).data.reverse();

    it('exports CSV with a header row, escaped and formula-safe, oldest first', async () => {
      const response = await app.http().get('/v1/audit-logs/export?format=csv').set(company.auth).expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/csv/);
      const rows = parseCsv(response.text);
      const [header, ...records] = rows;
      expect(header.slice(0, 4)).toEqual(['id', 'seq', 'occurredAt', 'companyId']);
      const events = await allEvents();
      expect(records.map((record) => record[0])).toEqual(events.map((event) => event.id));
      const column = (name: string) => header.indexOf(name);
      const byTricky = records.find((record) => record[column('actorId')] === tricky.userId && record[column('action')] === 'account.ip_allowlist.update')!;
      expect(byTricky[column('actorName')]).toBe(trickyName);
      expect(byTricky[column('userAgent')]).toBe(`'${trickyAgent}`);
      expect(response.text).toContain('"\'=HYPERLINK(""http://evil.example""),x"');
      expect(response.text).toContain('"Ann ""Boss"", Jr.\n=cmd');
      for (const record of records) expect(record[column('seq')]).toMatch(/^\d+$/);
      expect(records.map((record) => Number(record[column('seq')]))).toEqual(events.map((event) => event.seq));
    });

    it('exports NDJSON, one event per line, exactly as the API shows them', async () => {
      const response = await app.http().get('/v1/audit-logs/export').query({ format: 'ndjson' }).set(company.auth)
        .buffer(true).parse((res, done) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => done(null, text));
        }).expect(200);
      expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
      const lines = (response.body as string).trimEnd().split('\n').map((line) => JSON.parse(line) as AuditEventBody);
      expect(lines).toEqual(await allEvents());
    });

    it('exports a time range only', async () => {
      const events = await allEvents();
      const from = events[1].occurredAt;
      const response = await app.http().get('/v1/audit-logs/export').query({ format: 'csv', from }).set(company.auth).expect(200);
      const ids = parseCsv(response.text).slice(1).map((record) => record[0]);
      expect(ids).toEqual(events.filter((event) => event.occurredAt >= from).map((event) => event.id));
    });

    it('refuses an unknown format with validation_failed', async () => {
      const problem = expectProblem(await app.http().get('/v1/audit-logs/export?format=xml').set(company.auth), 400, 'validation_failed');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'format' })]);
    });

    it('exports CSV when no format is given', async () => {
      const response = await app.http().get('/v1/audit-logs/export').set(company.auth).expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/csv/);
      expect(parseCsv(response.text)[0].slice(0, 2)).toEqual(['id', 'seq']);
    });

    it('verifies an intact chain', async () => {
      const events = await allEvents();
      const response = await app.http().get('/v1/audit-logs/verify').set(auditor.auth).expect(200);
      expect(response.body).toEqual({ valid: true, checked: expect.any(Number) });
      const mine = await app.http().get('/v1/audit-logs/verify').set(company.auth).expect(200);
      expect(mine.body).toEqual({ valid: true, checked: events.length });
      expect(events[0].prevHash).toBe('0'.repeat(64));
      for (let i = 1; i < events.length; i += 1) {
        expect(events[i].seq).toBe(events[i - 1].seq + 1);
        expect(events[i].prevHash).toBe(events[i - 1].hash);
      }
      const ranged = await app.http().get('/v1/audit-logs/verify').query({ from: events[1].occurredAt }).set(company.auth).expect(200);
      expect(ranged.body).toEqual({ valid: true, checked: events.filter((event) => event.occurredAt >= events[1].occurredAt).length });
    });
  });
});
