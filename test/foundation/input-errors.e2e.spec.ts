import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, newCompany, newTeamMember, type SignedUp } from '../support/factories.js';
import { newVehicle } from '../support/fleet.js';
import { enableApi, newKey } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const fieldsOf = (problem: Record<string, unknown>) => (problem.errors as { field: string }[]).map((error) => error.field);

/** Inputs that fuzzing turned into 500s: each is now a 400 naming the field, and changes nothing. */
describe('Input that used to fail with 500', () => {
  let app: TestApp;
  let owner: SignedUp;
  beforeAll(async () => {
    app = await startTestApp();
    owner = await newCompany(app);
  });
  afterAll(() => app.close());

  it.each([
    ['name', { name: null }],
    ['role', { role: null }],
  ])('refuses %s: null on PATCH user with 400 naming it', async (field, body) => {
    const member = await newTeamMember(app, owner, 'member');
    const problem = expectProblem(await app.http().patch(`/v1/account/users/${member.userId}`).set(owner.auth).send(body), 400, 'validation_failed');
    expect(new Set(fieldsOf(problem))).toEqual(new Set([field]));
    const users = (await app.http().get('/v1/account/users').set(owner.auth).expect(200)).body as { data: { id: string; name: string; role: string }[] };
    expect(users.data.find((user) => user.id === member.userId)).toMatchObject({ name: 'A member', role: 'member' });
  });

  it.each([2 ** 31, 2 ** 53, 1_000_001, -1])('refuses a dailyCreditLimit of %d with 400 naming it', async (limit) => {
    const response = await app.http().post('/v1/api-keys').set(owner.auth).send({ name: 'Capped', preset: 'read-only', dailyCreditLimit: limit });
    expect(fieldsOf(expectProblem(response, 400, 'validation_failed'))).toEqual(['dailyCreditLimit']);
  });

  it('accepts the largest dailyCreditLimit, 1,000,000', async () => {
    const key = await newKey(app, owner, { dailyCreditLimit: 1_000_000 });
    expect(key.body.dailyCreditLimit).toBe(1_000_000);
  });

  it('refuses "templateId": null with 400 naming it', async () => {
    const vehicle = await newVehicle(app, owner);
    const response = await app.http().post('/v1/inspections').set(owner.auth)
      .send({ vehicleId: vehicle.id, templateId: null, items: [{ key: 'tyres', result: 'pass' }] });
    expect(fieldsOf(expectProblem(response, 400, 'validation_failed'))).toEqual(['templateId']);
  });

  it.each([
    ['a NUL in a vehicle nickname', '/v1/vehicles', '{"registration":"AB12CDE","nickname":"van\\u0000"}', 'nickname'],
    ['a lone surrogate in a customer address (jsonb)', '/v1/customers', '{"name":"Jo","address":{"line1":"1 High St\\udfff"}}', 'address.line1'],
    ['a lone surrogate in a customer e-mail', '/v1/customers', '{"name":"Jo","email":"jo\\ud83d@example.com"}', 'email'],
    ['a NUL in a webhook description', '/v1/webhooks', '{"url":"https://example.com/h","events":["credits.low"],"description":"\\u0000"}', 'description'],
  ])('refuses %s with 400 naming the field', async (_label, path, raw, field) => {
    const response = await app.http().post(path).set(owner.auth).set('Content-Type', 'application/json').send(raw);
    expect(fieldsOf(expectProblem(response, 400, 'validation_failed'))).toEqual([field]);
  });
});

describe('IP allowlists', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const putAllowlist = (owner: SignedUp, cidrs: unknown) => app.http().put('/v1/account/ip-allowlist').set(owner.auth).send({ cidrs });

  it('refuses an IPv4-mapped range with a prefix under /96, naming the entry', async () => {
    const owner = await newCompany(app);
    const problem = expectProblem(await putAllowlist(owner, ['203.0.113.0/24', '::ffff:0.0.0.0/80']), 400, 'validation_failed');
    expect(fieldsOf(problem)).toEqual(['cidrs[1]']);
    const account = (await app.http().get('/v1/account').set(owner.auth).expect(200)).body as { ipAllowlist: string[] };
    expect(account.ipAllowlist).toEqual([]);
  });

  it('stores entries in canonical form: IPv4-mapped ranges as IPv4, hosts as /32 and /128, network addresses', async () => {
    const owner = await newCompany(app);
    const response = await putAllowlist(owner, ['::ffff:203.0.113.0/120', '198.51.100.7', '2001:DB8:0:0::1', '10.1.2.3/8']).expect(200);
    expect((response.body as { ipAllowlist: string[] }).ipAllowlist).toEqual(['203.0.113.0/24', '198.51.100.7/32', '2001:db8::1/128', '10.0.0.0/8']);
  });

  it('accepts one comma-separated string, as for keys', async () => {
    const owner = await newCompany(app);
    const response = await putAllowlist(owner, '203.0.113.7, 2001:db8::/32').expect(200);
    expect((response.body as { ipAllowlist: string[] }).ipAllowlist).toEqual(['203.0.113.7/32', '2001:db8::/32']);
  });

  it.each([['::ffff:0.0.0.0/80'], ['10.0.0.0/33'], ['10.0.0.0/-16'], ['2001:db8::/129'], ['1.2.3.4/08x']])('refuses %s on a key too', async (entry) => {
    const owner = await newCompany(app);
    const response = await app.http().post('/v1/api-keys').set(owner.auth).send({ name: 'K', preset: 'read-only', ipAllowlist: [entry] });
    expect(fieldsOf(expectProblem(response, 400, 'validation_failed'))).toEqual(['ipAllowlist[0]']);
  });

  it('never answers 500 when a stored allowlist entry cannot be read: the key is refused with 403', async () => {
    const owner = await newCompany(app);
    await enableApi(app, owner);
    const key = await newKey(app, owner);
    await app.dataSource.query(`UPDATE companies SET ip_allowlist = '{0.0.0.0/-16}' WHERE id = $1`, [owner.companyId]);
    expectProblem(await app.http().get('/v1/auth/me').set(key.auth), 403, 'ip_not_allowed');
    await app.dataSource.query(`UPDATE companies SET ip_allowlist = '{0.0.0.0/-16,127.0.0.0/8,::1/128}' WHERE id = $1`, [owner.companyId]);
    await app.http().get('/v1/auth/me').set(key.auth).expect(200);
  });
});
