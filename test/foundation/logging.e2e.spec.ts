import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Collects every log line the app writes. */
class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  }
  since(mark: number): Record<string, unknown>[] {
    return this.lines.slice(mark).map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

describe('logging', () => {
  let app: TestApp;
  const logs = new LogCapture();
  beforeAll(async () => {
    app = await startTestApp({ logDestination: logs });
  });
  afterAll(() => app.close());

  it('writes JSON lines with the request id and never a password, token or Authorization header', async () => {
    const mark = logs.lines.length;
    const email = uniqueEmail('logged');
    const password = `${PASSWORD} unique-${Date.now()}`;
    const signup = await app
      .http()
      .post('/v1/auth/signup')
      .set('X-Request-Id', 'log-test-signup')
      .send({ companyName: 'Log Ltd', name: 'L', email, password })
      .expect(201);
    const login = await app.http().post('/v1/auth/login').send({ email, password }).expect(200);
    const refreshed = await app.http().post('/v1/auth/refresh').send({ refreshToken: login.body.refreshToken }).expect(200);
    await app.http().get('/v1/account').set('Authorization', `Bearer ${refreshed.body.accessToken}`).expect(200);
    await app.http().get('/v1/account').set('Authorization', 'Bearer forged.token.value-xyz').expect(401);
    await app.http().post('/v1/auth/login').send({ email, password: 'wrong password but secret' }).expect(401);
    // replaying the spent token is logged as a plain 401
    await app.http().post('/v1/auth/refresh').send({ refreshToken: login.body.refreshToken }).expect(401);

    const entries = logs.since(mark);
    expect(entries.length).toBeGreaterThan(10);
    const text = logs.lines.slice(mark).join('\n');
    const secrets = [
      password,
      'wrong password but secret',
      signup.body.accessToken,
      signup.body.refreshToken,
      login.body.accessToken,
      login.body.refreshToken,
      refreshed.body.accessToken,
      refreshed.body.refreshToken,
      'forged.token.value-xyz',
    ] as string[];
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/authorization|Bearer /i);

    const requestLines = entries.filter((entry) => entry.req || entry.res);
    expect(requestLines.length).toBeGreaterThanOrEqual(14);
    for (const entry of requestLines) expect(entry.requestId).toEqual(expect.any(String));
    const signupLines = entries.filter((entry) => entry.requestId === 'log-test-signup');
    expect(signupLines.map((entry) => (entry.res as { statusCode?: number } | undefined)?.statusCode)).toContain(201);
  });

  it('redacts an apiKey (and token) query value from the logged URL', async () => {
    const mark = logs.lines.length;
    await app.http().get('/v1/health/live?apiKey=vk_secretpublic_secretvalue123&x=1');
    await app.http().get('/v1/nothing?foo=1&apiKey=vk_othersecret_zzz');
    await app.http().get('/v1/auth/api-key/token?apiKey=vk_thirdsecret_qqq');
    await app.http().get('/v1/nothing?token=tok_hidden&refreshToken=rt_hidden');
    const text = logs.lines.slice(mark).join('\n');
    expect(text).toContain('apiKey=[redacted]');
    for (const secret of ['vk_secretpublic_secretvalue123', 'vk_othersecret_zzz', 'vk_thirdsecret_qqq', 'tok_hidden', 'rt_hidden']) {
      expect(text).not.toContain(secret);
    }
    const urls = logs.since(mark).map((entry) => (entry.req as { url?: string } | undefined)?.url).filter(Boolean);
    expect(urls).toContain('/v1/health/live?apiKey=[redacted]&x=1');
  });
});
