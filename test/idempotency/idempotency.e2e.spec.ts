import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFingerprint } from '../../src/idempotency/request-fingerprint.js';
import { newId } from '../../src/platform/database/uuid-entity.js';
import { balanceOf, expectLedgerConsistent, setBalance } from '../support/credits.js';
import { expectProblem, newCompany, type SignedUp, uniqueEmail } from '../support/factories.js';
import { newVehicle } from '../support/fleet.js';
import { enableApi } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ITEMS = [{ key: 'tyres', result: 'pass' }];

describe('Idempotency-Key', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  async function companyWithVehicle(): Promise<{ owner: SignedUp; vehicleId: string }> {
    const owner = await newCompany(app);
    return { owner, vehicleId: (await newVehicle(app, owner)).id };
  }
  const inspect = (who: SignedUp, key: string, body: Record<string, unknown>) =>
    app.http().post('/v1/inspections').set(who.auth).set('Idempotency-Key', key).send(body);
  const countInspections = async (who: SignedUp) =>
    ((await app.http().get('/v1/inspections?limit=100').set(who.auth).expect(200)).body.data as unknown[]).length;

  it('replays the first status and body with Idempotent-Replayed: true, spending nothing more', async () => {
    const { owner, vehicleId } = await companyWithVehicle();
    const body = { vehicleId, templateKey: 'check-out', items: ITEMS };
    const first = await inspect(owner, 'create-inspection-1', body).expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await inspect(owner, 'create-inspection-1', { items: ITEMS, templateKey: 'check-out', vehicleId }).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await countInspections(owner)).toBe(1);
    expect(await balanceOf(app, owner.auth)).toBe(9);
    await expectLedgerConsistent(app, owner.companyId);
  });

  it('replays free operations too, with their own status (sign-off: 200; team invite: no duplicate)', async () => {
    const { owner, vehicleId } = await companyWithVehicle();
    const draft = (await inspect(owner, 'draft', { vehicleId, templateKey: 'check-in', items: ITEMS }).expect(201)).body as { id: string };
    const signOff = () => app.http().post(`/v1/inspections/${draft.id}/sign-off`).set(owner.auth).set('Idempotency-Key', 'sign-1').send({ signedBy: 'Sam' });
    const first = await signOff().expect(200);
    const replay = await signOff().expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);

    const invite = { email: uniqueEmail('member'), name: 'New Member', password: 'a long enough password', role: 'member' };
    const created = await app.http().post('/v1/account/users').set(owner.auth).set('Idempotency-Key', 'invite-1').send(invite).expect(201);
    const repeated = await app.http().post('/v1/account/users').set(owner.auth).set('Idempotency-Key', 'invite-1').send(invite).expect(201);
    expect(repeated.body).toEqual(created.body);
    expect(repeated.headers['idempotent-replayed']).toBe('true');
  });

  it('answers 422 idempotency_key_reused for the same key with a different body or path', async () => {
    const { owner, vehicleId } = await companyWithVehicle();
    await inspect(owner, 'key-a', { vehicleId, templateKey: 'check-out', items: ITEMS }).expect(201);
    const other = await inspect(owner, 'key-a', { vehicleId, templateKey: 'check-out', items: [{ key: 'tyres', result: 'fail' }] });
    expectProblem(other, 422, 'idempotency_key_reused');
    const elsewhere = await app.http().post('/v1/credits/top-ups').set(owner.auth).set('Idempotency-Key', 'key-a').send({ credits: 1, paymentReference: 'p' });
    expectProblem(elsewhere, 422, 'idempotency_key_reused');
    expect(await countInspections(owner)).toBe(1);
    expect(await expectLedgerConsistent(app, owner.companyId)).toBe(9);
  });

  it('keeps keys per company', async () => {
    const a = await companyWithVehicle();
    const b = await companyWithVehicle();
    const first = await inspect(a.owner, 'shared-key', { vehicleId: a.vehicleId, templateKey: 'check-out', items: ITEMS }).expect(201);
    const second = await inspect(b.owner, 'shared-key', { vehicleId: b.vehicleId, templateKey: 'check-out', items: ITEMS }).expect(201);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(second.body.id).not.toBe(first.body.id);
    expect(await balanceOf(app, a.owner.auth)).toBe(9);
    expect(await balanceOf(app, b.owner.auth)).toBe(9);
  });

  it('refuses a key that is empty, too long or not visible ASCII (400 validation_failed), spending nothing', async () => {
    const { owner, vehicleId } = await companyWithVehicle();
    for (const key of ['', 'x'.repeat(256), 'has space']) {
      const problem = expectProblem(await inspect(owner, key, { vehicleId, templateKey: 'check-out', items: ITEMS }), 400, 'validation_failed');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    }
    await inspect(owner, `${'k'.repeat(254)}~`, { vehicleId, templateKey: 'check-out', items: ITEMS }).expect(201);
    expect(await expectLedgerConsistent(app, owner.companyId)).toBe(9);
  });

  it('releases the key when the request fails, so a corrected retry with the same key goes through', async () => {
    const { owner, vehicleId } = await companyWithVehicle();
    expectProblem(await inspect(owner, 'retry-me', { vehicleId, templateKey: 'check-out', items: [] }), 400, 'validation_failed');
    await inspect(owner, 'retry-me', { vehicleId, templateKey: 'check-out', items: ITEMS }).expect(201);

    await setBalance(app, owner.companyId, 0);
    const body = { vehicleId, templateKey: 'damage', items: [{ key: 'photos', result: 'pass' }] };
    expectProblem(await inspect(owner, 'after-top-up', body), 402, 'insufficient_credits');
    await app.http().post('/v1/credits/top-ups').set(owner.auth).send({ credits: 1, paymentReference: 'p-1' }).expect(201);
    await inspect(owner, 'after-top-up', body).expect(201);
    expect(await expectLedgerConsistent(app, owner.companyId)).toBe(0);
  });

  it('answers 409 idempotency_in_progress while the first request with the key is still running', async () => {
    const { owner, vehicleId } = await companyWithVehicle();
    const body = { vehicleId, templateKey: 'check-out', items: ITEMS };
    // another instance has claimed the key and not finished yet
    await app.dataSource.query(
      `INSERT INTO idempotency_keys (id, company_id, key, fingerprint, lock_id) VALUES ($1, $2, 'busy-key', $3, gen_random_uuid())`,
      [newId(), owner.companyId, requestFingerprint('POST', '/v1/inspections', body)],
    );
    expectProblem(await inspect(owner, 'busy-key', body), 409, 'idempotency_in_progress');
    expect(await balanceOf(app, owner.auth)).toBe(10);
  });

  it('lets exactly one of two concurrent requests with the same key do the work', async () => {
    const { owner, vehicleId } = await companyWithVehicle();
    const body = { vehicleId, templateKey: 'check-out', items: ITEMS };
    const responses = await Promise.all(Array.from({ length: 4 }, () => inspect(owner, 'race-key', body)));
    const fresh = responses.filter((response) => response.status === 201 && response.headers['idempotent-replayed'] === undefined);
    expect(fresh).toHaveLength(1);
    for (const response of responses.filter((r) => r !== fresh[0])) {
      if (response.status === 409) expectProblem(response, 409, 'idempotency_in_progress');
      else expect(response.body).toEqual(fresh[0].body);
    }
    expect(await countInspections(owner)).toBe(1);
    expect(await expectLedgerConsistent(app, owner.companyId)).toBe(9);
  });

  it('forgets keys after 24 hours', async () => {
    const { owner, vehicleId } = await companyWithVehicle();
    await inspect(owner, 'old-key', { vehicleId, templateKey: 'check-out', items: ITEMS }).expect(201);
    await app.dataSource.query(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE company_id = $1 AND key = 'old-key'`, [owner.companyId]);
    const reused = await inspect(owner, 'old-key', { vehicleId, templateKey: 'check-in', items: ITEMS }).expect(201);
    expect(reused.headers['idempotent-replayed']).toBeUndefined();
    expect(await expectLedgerConsistent(app, owner.companyId)).toBe(8);
  });

  it('never replays a secret: a repeated key creation answers without fullApiKey', async () => {
    const owner = await newCompany(app);
    await enableApi(app, owner);
    const create = () => app.http().post('/v1/api-keys').set(owner.auth).set('Idempotency-Key', 'key-create').send({ name: 'CI', preset: 'read-only' });
    const first = await create().expect(201);
    expect(first.body.fullApiKey).toMatch(/^vk_/);
    const replay = await create().expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.publicId).toBe(first.body.publicId);
    expect(replay.body.fullApiKey).toBeUndefined();
    const stored = await app.dataSource.query<Array<{ response_body: string }>>(
      `SELECT response_body FROM idempotency_keys WHERE company_id = $1 AND key = 'key-create'`,
      [owner.companyId],
    );
    expect(stored[0].response_body).not.toContain(first.body.fullApiKey);
  });
});
