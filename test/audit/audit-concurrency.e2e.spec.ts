import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCompany, newTeamMember } from '../support/factories.js';
import { newVehicle } from '../support/fleet.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Runs `count` calls of `call`, `parallel` at a time, and returns their statuses. */
async function inParallel(count: number, parallel: number, call: (index: number) => Promise<number>): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) statuses.push(await call(next++));
    }),
  );
  return statuses;
}

describe('audited writes under concurrency', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('team changes beside vehicle changes never deadlock: no 5xx, every event recorded, and the chain verifies', async () => {
    const owner = await newCompany(app);
    const member = await newTeamMember(app, owner, 'member');
    const vehicle = await newVehicle(app, owner);
    const [{ seq: before }] = await app.dataSource.query<Array<{ seq: string }>>(
      `SELECT seq FROM audit_chain_heads WHERE company_id = $1`, [owner.companyId],
    );

    const [teamStatuses, vehicleStatuses] = await Promise.all([
      inParallel(100, 4, async (i) =>
        (await app.http().patch(`/v1/account/users/${member.userId}`).set(owner.auth).send({ name: `Member ${i}` })).status),
      inParallel(100, 4, async (i) =>
        (await app.http().patch(`/v1/vehicles/${vehicle.id}`).set(owner.auth).send({ nickname: `Van ${i}` })).status),
    ]);

    expect(teamStatuses.filter((status) => status !== 200)).toEqual([]);
    expect(vehicleStatuses.filter((status) => status !== 200)).toEqual([]);
    const [{ seq: after }] = await app.dataSource.query<Array<{ seq: string }>>(
      `SELECT seq FROM audit_chain_heads WHERE company_id = $1`, [owner.companyId],
    );
    expect(Number(after) - Number(before)).toBe(200);
    const verify = await app.http().get('/v1/audit-logs/verify').set(owner.auth).expect(200);
    expect(verify.body).toMatchObject({ valid: true, checked: Number(after) });
  }, 180_000);
});
