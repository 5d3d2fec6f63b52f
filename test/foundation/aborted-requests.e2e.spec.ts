import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, listenOnLoopback, waitFor } from '../support/raw-http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const REQUEST_TIMEOUT_MS = 600;

/** Every log line the app writes, parsed. */
class LogCapture extends Writable {
  readonly entries: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString().split('\n').filter(Boolean)) this.entries.push(JSON.parse(line) as Record<string, unknown>);
    done();
  }
}

const LEVEL_INFO = 30;

describe('Aborted requests in the log', () => {
  let app: TestApp;
  let port: number;
  const logs = new LogCapture();
  beforeAll(async () => {
    // no background jobs: on a shared PostgreSQL they would log other test files' deliveries here
    app = await startTestApp({ logDestination: logs, env: { REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), JOBS_ENABLED: 'false' } });
    port = await listenOnLoopback(app);
  });
  afterAll(() => app.close());

  function expectNoErrorOrDatabaseLine(mark: number): void {
    const after = logs.entries.slice(mark);
    for (const entry of after) {
      expect(entry.level as number, JSON.stringify(entry)).toBeLessThanOrEqual(LEVEL_INFO);
      expect(JSON.stringify(entry)).not.toMatch(/ECONNRESET|database|dependency_unavailable|request failed/i);
    }
  }

  it('logs a client that closes the connection mid-body as "client aborted" at info or below, never as an error', async () => {
    const mark = logs.entries.length;
    const connection = await openConnection(port);
    connection.socket.write(
      'POST /v1/auth/signup HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 900000\r\n\r\n{"name":"' + 'x'.repeat(5000),
    );
    await waitFor(() => logs.entries.slice(mark).some((entry) => JSON.stringify(entry).includes('/v1/auth/signup')), 5000, 'the request to be logged');
    connection.socket.destroy();
    await waitFor(() => logs.entries.slice(mark).some((entry) => entry.msg === 'client aborted'), 5000, 'the abort to be logged');
    // give anything else the abort might trigger time to be written
    await new Promise((resolve) => setTimeout(resolve, 200));
    expectNoErrorOrDatabaseLine(mark);
    const incoming = logs.entries.slice(mark).find((entry) => JSON.stringify(entry).includes('/v1/auth/signup'));
    const aborted = logs.entries.slice(mark).filter((entry) => entry.msg === 'client aborted');
    expect(aborted).toHaveLength(1);
    expect(aborted[0].requestId).toBe(incoming?.requestId);
  });

  it('logs a body cut by the request timeout (408) as "client aborted", never as an error', async () => {
    const mark = logs.entries.length;
    const connection = await openConnection(port);
    connection.socket.write(
      'POST /v1/auth/signup HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 900000\r\n\r\n{"name":"' + 'x'.repeat(5000),
    );
    const { received } = await connection.closed;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    await waitFor(() => logs.entries.slice(mark).some((entry) => entry.msg === 'client aborted'), 5000, 'the abort to be logged');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expectNoErrorOrDatabaseLine(mark);
  });
});
