import { connect, type Socket } from 'node:net';
import type { TestApp } from './test-app.js';

/** Starts the app on a loopback port (raw sockets need a real listener) and returns the port. */
export async function listenOnLoopback(app: TestApp): Promise<number> {
  await app.app.listen(0, '127.0.0.1');
  const address = app.app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('not listening');
  return address.port;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawConnection {
  socket: Socket;
  /** Everything the server sent, once it closed the connection. */
  closed: Promise<{ received: string; elapsedMs: number }>;
}

/** A plain TCP connection to the app: the test decides byte by byte what the server gets. */
export function openConnection(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    const closed = new Promise<{ received: string; elapsedMs: number }>((done) =>
      socket.once('close', () => done({ received: Buffer.concat(chunks).toString('utf8'), elapsedMs: performance.now() - started })),
    );
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/** Parses the first HTTP/1.1 response in a byte stream. */
export function parseResponse(received: string): RawResponse {
  const headerEnd = received.indexOf('\r\n\r\n');
  if (headerEnd < 0) throw new Error(`no HTTP response in ${JSON.stringify(received.slice(0, 200))}`);
  const [statusLine, ...lines] = received.slice(0, headerEnd).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  let body = received.slice(headerEnd + 4);
  if (headers['content-length']) body = body.slice(0, Number(headers['content-length']));
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

/** Every HTTP/1.1 response in a byte stream (pipelined requests), in order. */
export function parseResponses(received: string): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = received;
  while (rest.startsWith('HTTP/1.1')) {
    const response = parseResponse(rest);
    responses.push(response);
    const headerEnd = rest.indexOf('\r\n\r\n');
    rest = rest.slice(headerEnd + 4 + Number(response.headers['content-length'] ?? 0));
  }
  return responses;
}

/** Polls until the condition holds (or fails after timeoutMs). */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Open connections the app's server holds right now. */
export function openConnections(app: TestApp): Promise<number> {
  return new Promise((resolve, reject) =>
    app.app.getHttpServer().getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}
