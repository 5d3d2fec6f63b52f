import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_SCAN_QUEUE } from '../../src/audit/checkpoints/audit-checkpoints.service.js';
import { newCompany } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { startTestDatabase, type TestDatabase } from '../support/test-database.js';

const INTERVAL_SECONDS = 1;
const SCHEDULE_KEY = `every-${INTERVAL_SECONDS}s`;

/**
 * Periodic checkpoints are one durable pg-boss job per interval for all instances on the database (not a
 * timer per instance): two instances with a 1 s interval sign new events once, and run the scan about
 * once a second between them, never twice a second.
 */
describe('periodic audit checkpoints across instances', () => {
  let database: TestDatabase;
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    // a database of their own: on a shared one, other test files' instances (other intervals) would take the scans
    database = await startTestDatabase({ own: true });
    const env = { AUDIT_CHECKPOINT_INTERVAL_SECONDS: String(INTERVAL_SECONDS) };
    first = await startTestApp({ env, databaseUrl: database.url });
    second = await startTestApp({ env, databaseUrl: database.url });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await database?.close();
  });

  const scheduled = async (state: string, since = new Date(0)): Promise<number> => {
    const [row] = await first.dataSource.query<Array<{ count: string }>>(
      `SELECT count(*) FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND state = $3 AND created_on >= $4`,
      [CHECKPOINT_SCAN_QUEUE, SCHEDULE_KEY, state, since],
    );
    return Number(row.count);
  };

  it('signs a company with new events once, from one schedule shared by both instances', async () => {
    const company = await newCompany(second);
    await second.http().put('/v1/account/ip-allowlist').set(company.auth).send({ cidrs: [] }).expect(200);
    const checkpoints = async (): Promise<Array<{ seq: number }>> =>
      ((await first.http().get('/v1/audit-logs/checkpoints').set(company.auth).expect(200)).body as { data: Array<{ seq: number }> }).data;
    const [head] = ((await first.http().get('/v1/audit-logs').query({ limit: 1 }).set(company.auth).expect(200)).body as { data: Array<{ seq: number }> }).data;
    // a scan may sign the signup alone before the allowlist event lands: wait for the checkpoint of the head
    await expect.poll(async () => Math.max(0, ...(await checkpoints()).map((checkpoint) => checkpoint.seq)), { timeout: 20_000, interval: 250 }).toBe(head.seq);
    const signedBefore = (await checkpoints()).length;

    const since = new Date();
    const samples: number[] = [];
    // 8 s: long enough that a loaded machine still runs the schedule, short enough that two would show
    for (let i = 0; i < 32; i += 1) {
      samples.push(await scheduled('created'));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // never more than one run waiting: the two instances do not each keep a schedule
    expect(Math.max(...samples)).toBeLessThanOrEqual(1);
    const ran = await scheduled('completed', since);
    // one schedule runs at most once per interval (a run, then the next 1 s later); two would run twice as often
    expect(ran).toBeGreaterThanOrEqual(1);
    expect(ran).toBeLessThanOrEqual(9);
    // no new events since: however often the schedule ran, nothing more was signed
    expect(await checkpoints()).toHaveLength(signedBefore);
  }, 45_000);
});
