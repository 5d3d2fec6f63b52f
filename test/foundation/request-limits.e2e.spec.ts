import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, openConnections, listenOnLoopback, parseResponse, parseResponses, waitFor } from '../support/raw-http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const REQUEST_TIMEOUT_MS = 600;
const CONNECTION_CAP = 12;

function expectRawProblem(received: string, status: number, code: string): Record<string, unknown> {
  const response = parseResponse(received);
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(response.body) as Record<string, unknown>;
  expect(body).toMatchObject({ status, code, type: `/problems/${code.replaceAll('_', '-')}` });
  expect(body.requestId).toBe(response.headers['x-request-id']);
  expect(response.body).not.toMatch(/FST_|Error:/);
  return body;
}

describe('Request timeouts and connection caps', () => {
  let app: TestApp;
  let port: number;
  beforeAll(async () => {
    app = await startTestApp({ env: { REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), MAX_CONNECTIONS_PER_IP: String(CONNECTION_CAP) } });
    port = await listenOnLoopback(app);
  });
  afterAll(() => app.close());

  it('answers headers that stall with 408 request_timeout problem+json and closes the connection', async () => {
    const connection = await openConnection(port);
    connection.socket.write('POST /v1/auth/signup HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n');
    const { received, elapsedMs } = await connection.closed;
    expectRawProblem(received, 408, 'request_timeout');
    expect(elapsedMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + 3000);
  });

  it('answers a body that stalls with 408 request_timeout and closes the connection', async () => {
    const connection = await openConnection(port);
    connection.socket.write(
      'POST /v1/auth/signup HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 900000\r\n\r\n{"name":"' + 'x'.repeat(1000),
    );
    const { received, elapsedMs } = await connection.closed;
    expectRawProblem(received, 408, 'request_timeout');
    expect(elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + 3000);
  });

  it('cuts a body that trickles in slowly at the same deadline', async () => {
    const connection = await openConnection(port);
    connection.socket.write('POST /v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{');
    const trickle = setInterval(() => connection.socket.write(' '), 50);
    const { received, elapsedMs } = await connection.closed;
    clearInterval(trickle);
    expectRawProblem(received, 408, 'request_timeout');
    expect(elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + 3000);
  });

  it('closes connections beyond MAX_CONNECTIONS_PER_IP at once and accepts new ones after they go', async () => {
    const baseline = await openConnections(app);
    const connections = await Promise.all(Array.from({ length: CONNECTION_CAP + 6 }, () => openConnection(port)));
    const refused = await Promise.all(
      connections.map((connection) =>
        Promise.race([connection.closed.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), REQUEST_TIMEOUT_MS / 3))]),
      ),
    );
    expect(refused.filter(Boolean).length).toBe(6);
    for (const connection of connections) connection.socket.destroy();
    await waitFor(async () => (await openConnections(app)) <= baseline, 5000, 'connections to close');
    const fresh = await openConnection(port);
    fresh.socket.end('GET /v1/health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(parseResponse((await fresh.closed).received).status).toBe(200);
  });

  it('releases every stalled upload: the server holds no connection once the flood has timed out', async () => {
    const baseline = await openConnections(app);
    const flood = await Promise.all(Array.from({ length: CONNECTION_CAP }, () => openConnection(port)));
    for (const connection of flood) {
      connection.socket.write(
        'POST /v1/auth/signup HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 900000\r\n\r\n' + 'x'.repeat(64 * 1024),
      );
    }
    const outcomes = await Promise.all(flood.map((connection) => connection.closed));
    for (const { received } of outcomes) expectRawProblem(received, 408, 'request_timeout');
    await waitFor(async () => (await openConnections(app)) <= baseline, 5000, 'connections to close');
  });

  it('still serves pipelined requests that arrive complete and in time', async () => {
    const connection = await openConnection(port);
    connection.socket.end(
      'GET /v1/health/live HTTP/1.1\r\nHost: localhost\r\n\r\n' + 'GET /v1/health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    const responses = parseResponses((await connection.closed).received);
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
  });
});

describe('The instance\'s budget of request-body bytes', () => {
  const BUDGET = 100_000;
  let app: TestApp;
  let port: number;
  beforeAll(async () => {
    app = await startTestApp({ env: { MAX_INFLIGHT_BODY_BYTES: String(BUDGET) } });
    port = await listenOnLoopback(app);
  });
  afterAll(() => app.close());

  const upload = (bytes: number) =>
    'POST /v1/auth/signup HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 500000\r\n\r\n{"name":"' +
    'x'.repeat(bytes);

  it('answers a body that would take it over budget with 503 problem+json and closes that connection; the bytes come back', async () => {
    const [first, second] = await Promise.all([openConnection(port), openConnection(port)]);
    first.socket.write(upload(90_000));
    second.socket.write(upload(20_000));
    // whichever the server counted second is over budget; the other stays open, stalled
    const refused = await Promise.race([first.closed, second.closed]);
    expect(refused.elapsedMs).toBeLessThan(3000);
    const problem = expectRawProblem(refused.received, 503, 'dependency_unavailable');
    expect(problem.detail).toMatch(/too many request bodies/);
    expect(parseResponse(refused.received).headers['retry-after']).toBe('1');
    first.socket.destroy();
    second.socket.destroy();
    // once both are gone, a body of nearly the whole budget is read and parsed again
    await waitFor(async () => {
      const response = await app.http().post('/v1/auth/login').set('Content-Type', 'application/json')
        .send(JSON.stringify({ email: 'nobody@example.com', password: 'p'.repeat(BUDGET - 100) }));
      return response.status !== 503;
    }, 5000, 'the budget to be released');
  });
});

describe('The budget of request-body bytes per client address', () => {
  const PER_ADDRESS = 100_000;
  let app: TestApp;
  let port: number;
  beforeAll(async () => {
    // requests arrive from 127.0.0.1, trusted as a proxy here, so X-Forwarded-For names the client
    app = await startTestApp({ env: { MAX_INFLIGHT_BODY_BYTES_PER_IP: String(PER_ADDRESS), TRUST_PROXY: '127.0.0.1' } });
    port = await listenOnLoopback(app);
  });
  afterAll(() => app.close());

  /** The start of a `{"name":"xxx…"}` sign-up body of `length` bytes, `sent` of them written. */
  const upload = (address: string, length: number, sent: number) =>
    `POST /v1/auth/signup HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: ${address}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n{"name":"` +
    'x'.repeat(sent - 9);

  it('answers an address over its budget with 429 problem+json and closes that connection, while another address is still read', async () => {
    const [first, second, other] = await Promise.all([openConnection(port), openConnection(port), openConnection(port)]);
    first.socket.write(upload('203.0.113.7', 500_000, 90_000));
    second.socket.write(upload('203.0.113.7', 500_000, 20_000));
    other.socket.write(upload('198.51.100.9', 90_002, 90_000));
    // whichever of the first address's two the server counted second is over its budget
    const refused = await Promise.race([first.closed, second.closed]);
    expect(refused.elapsedMs).toBeLessThan(3000);
    const problem = expectRawProblem(refused.received, 429, 'rate_limited');
    expect(problem.detail).toMatch(/too many request bodies/);
    expect(parseResponse(refused.received).headers['retry-after']).toBe('1');
    // the other address's bytes count against its own budget: its body is read to the end and answered
    other.socket.end('"}');
    expect(expectRawProblem((await other.closed).received, 400, 'validation_failed')).toBeTruthy();
    first.socket.destroy();
    second.socket.destroy();
    // once they are gone, the first address may send a body of nearly its whole budget again
    await waitFor(async () => {
      const response = await app.http().post('/v1/auth/login').set('Content-Type', 'application/json').set('X-Forwarded-For', '203.0.113.7')
        .send(JSON.stringify({ email: 'nobody@example.com', password: 'p'.repeat(PER_ADDRESS - 100) }));
      return response.status !== 429;
    }, 5000, 'the address budget to be released');
  });
});
