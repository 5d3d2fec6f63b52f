import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, newCompany, PASSWORD, uniqueEmail } from '../support/factories.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The app reaches the database through a TCP proxy the test can cut; the test checks, straight on the
 * database, that refused requests left no trace.
 */
describe('database unavailable', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let proxied: TestApp;
  beforeAll(async () => {
    database = await startTestDatabase();
    proxy = await startTcpProxy(database.url);
    proxied = await startTestApp({ databaseUrl: proxy.url, env: { JOBS_ENABLED: 'false' } });
  });
  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await proxied?.close();
    await proxy.close();
    await database?.close();
  });

  const expectUnavailable = (response: Parameters<typeof expectProblem>[0]) => {
    const problem = expectProblem(response, 503, 'dependency_unavailable');
    expect(Object.keys(problem).sort()).toEqual(['code', 'detail', 'instance', 'requestId', 'status', 'title', 'type']);
    expect(JSON.stringify(problem)).not.toMatch(/ECONN|SELECT|INSERT|127\.0\.0\.1|\bat \w|Error/);
    return problem;
  };

  it('answers 503 dependency_unavailable while the database is unreachable, with no effect, and recovers', async () => {
    const owner = await newCompany(proxied);
    await proxied.http().get('/v1/account').set(owner.auth).expect(200);
    await proxied.http().get('/v1/health/ready').expect(200);

    await proxy.cut();
    try {
      const email = uniqueEmail('during-outage');
      expectUnavailable(
        await proxied.http().post('/v1/auth/signup').send({ companyName: 'Outage Ltd', name: 'O', email, password: PASSWORD }),
      );
      expectUnavailable(await proxied.http().get('/v1/account').set(owner.auth));
      expectUnavailable(await proxied.http().put('/v1/account/api-access').set(owner.auth).send({ enabled: true }));
      expectUnavailable(await proxied.http().post('/v1/auth/login').send({ email: owner.email, password: PASSWORD }));
      expectUnavailable(await proxied.http().get('/v1/health/ready'));
      await proxied.http().get('/v1/health/live').expect(200);

      // Nothing happened: the sign-up does not exist and API access stayed off.
      expect(await database.query('SELECT 1 FROM users WHERE email = $1', [email])).toEqual([]);
      expect(await database.query('SELECT api_enabled FROM companies WHERE id = $1', [owner.companyId])).toEqual([{ api_enabled: false }]);
    } finally {
      await proxy.restore();
    }

    await proxied.http().get('/v1/health/ready').expect(200);
    await proxied.http().get('/v1/account').set(owner.auth).expect(200);
  });

  it('keeps validation and routing answers independent of the database', async () => {
    await proxy.cut();
    try {
      expectProblem(await proxied.http().post('/v1/auth/login').send({}), 400, 'validation_failed');
      expectProblem(await proxied.http().get('/v1/unknown'), 404, 'not_found');
      expectProblem(await proxied.http().get('/v1/auth/me'), 401, 'unauthenticated');
    } finally {
      await proxy.restore();
    }
  });
});
