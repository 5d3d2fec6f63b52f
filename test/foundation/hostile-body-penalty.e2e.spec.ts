import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, uniqueEmail } from '../support/factories.js';
import { listenOnLoopback, openConnection, openConnections, parseResponse, waitFor } from '../support/raw-http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const BUDGET = 3;
const DELAY_MS = 3_000;
const BODY_LIMIT = 4096;

const deep = '{"a":'.repeat(40) + '1' + '}'.repeat(40);
const oversized = JSON.stringify({ email: 'x'.repeat(BODY_LIMIT), password: 'y' });
/** An address of its own per check (the app trusts X-Forwarded-For from loopback): budgets are per address. */
const newClientIp = () => `2001:db8:${randomBytes(2).toString('hex')}::${randomBytes(2).toString('hex')}`;

/**
 * The per-address penalty for hostile bodies: past HOSTILE_BODY_REFUSALS_PER_IP_PER_MINUTE refusals for
 * a too-deep or over-limit body, an address's next such refusal is answered only after HOSTILE_BODY_DELAY_MS,
 * while its legitimate requests are answered at once.
 */
describe('Hostile body penalty', () => {
  let app: TestApp;
  let closed = false;
  beforeAll(async () => {
    app = await startTestApp({
      env: {
        TRUST_PROXY: '127.0.0.1,::1,::ffff:127.0.0.1',
        HOSTILE_BODY_REFUSALS_PER_IP_PER_MINUTE: String(BUDGET),
        HOSTILE_BODY_DELAY_MS: String(DELAY_MS),
        BODY_LIMIT_BYTES: String(BODY_LIMIT),
      },
    });
  });
  afterAll(async () => {
    if (!closed) await app.close();
  });

  const post = (ip: string, raw: string) =>
    app.http().post('/v1/auth/login').set('X-Forwarded-For', ip).set('Content-Type', 'application/json').send(raw);

  /** Sends, and answers with the response and how long it took. */
  const timed = async (request: PromiseLike<{ status: number; headers: Record<string, string>; body: Record<string, unknown> }>) => {
    const started = performance.now();
    const response = await request;
    return { response, elapsedMs: performance.now() - started };
  };

  /** Uses up an address's budget with too-deep bodies, each answered at once. */
  const spendBudget = async (ip: string) => {
    for (let i = 0; i < BUDGET; i++) {
      const { response, elapsedMs } = await timed(post(ip, deep));
      expectProblem(response, 400, 'validation_failed');
      expect(elapsedMs).toBeLessThan(DELAY_MS / 2);
    }
  };

  let port: number | undefined;
  /** A deep body's request on a raw connection from the address (its refusal may then be held). */
  const rawDeep = async (ip: string) => {
    const connection = await openConnection((port ??= await listenOnLoopback(app)));
    connection.socket.write(
      `POST /v1/auth/login HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: ${ip}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${BODY_LIMIT - 1}\r\n\r\n${'{"a":'.repeat(40)}`,
    );
    return connection;
  };

  it('answers refusals under the budget at once', async () => {
    await spendBudget(newClientIp());
  });

  // before any test leaves a keep-alive connection open: the server's connection count is the held one's
  it('lets a held connection go as soon as its client goes away', async () => {
    const ip = newClientIp();
    await spendBudget(ip);
    expect(await openConnections(app)).toBe(0);
    const connection = await rawDeep(ip);
    await waitFor(async () => (await openConnections(app)) === 1, 2_000, 'the held connection');
    // held: nothing answered
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(connection.socket.bytesRead).toBe(0);
    const started = performance.now();
    connection.socket.destroy();
    await waitFor(async () => (await openConnections(app)) === 0, DELAY_MS / 2, 'the server to let the connection go');
    expect(performance.now() - started).toBeLessThan(DELAY_MS / 2);
  });

  it('past the budget answers a deep body only after the delay, while the same address is answered at once otherwise', async () => {
    const ip = newClientIp();
    await spendBudget(ip);
    const held = timed(post(ip, deep));
    // in the same moment, a legitimate body and a plain request from the same address are not delayed
    const legitimate = await timed(post(ip, JSON.stringify({ email: uniqueEmail(), password: 'wrong password' })));
    expectProblem(legitimate.response, 401, 'invalid_credentials');
    expect(legitimate.elapsedMs).toBeLessThan(DELAY_MS / 2);
    const live = await timed(app.http().get('/v1/health/live').set('X-Forwarded-For', ip));
    expect(live.response.status).toBe(200);
    expect(live.elapsedMs).toBeLessThan(DELAY_MS / 2);

    const { response, elapsedMs } = await held;
    const problem = expectProblem(response, 400, 'validation_failed');
    expect(problem.errors).toEqual([{ field: 'body', message: 'must not nest objects or arrays deeper than 32 levels' }]);
    expect(response.headers.connection).toBe('close');
    expect(elapsedMs).toBeGreaterThanOrEqual(DELAY_MS - 50);
    // another address is not affected
    const other = await timed(post(newClientIp(), deep));
    expectProblem(other.response, 400, 'validation_failed');
    expect(other.elapsedMs).toBeLessThan(DELAY_MS / 2);
  });

  it('counts bodies over the limit too, and holds their 413', async () => {
    const ip = newClientIp();
    for (let i = 0; i < BUDGET; i++) {
      const { response, elapsedMs } = await timed(post(ip, oversized));
      expectProblem(response, 413, 'payload_too_large');
      expect(elapsedMs).toBeLessThan(DELAY_MS / 2);
    }
    const { response, elapsedMs } = await timed(post(ip, oversized));
    expectProblem(response, 413, 'payload_too_large');
    expect(elapsedMs).toBeGreaterThanOrEqual(DELAY_MS - 50);
  });

  it('answers held refusals at once when the server shuts down', async () => {
    const ip = newClientIp();
    await spendBudget(ip);
    const connection = await rawDeep(ip);
    // held: nothing answered yet
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(connection.socket.bytesRead).toBe(0);
    const started = performance.now();
    closed = true;
    await app.close();
    const { received } = await connection.closed;
    expect(performance.now() - started).toBeLessThan(DELAY_MS / 2);
    const response = parseResponse(received);
    expect(response.status).toBe(400);
    expect(response.headers.connection).toBe('close');
  });
});
