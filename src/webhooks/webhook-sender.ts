import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedTarget } from './webhook-target.js';

export interface SendResult {
  /** The endpoint's HTTP status, when it answered. */
  status: number | null;
  error: string | null;
  durationMs: number;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs a JSON body to an already-checked target. The connection goes to the checked address (the
 * lookup is pinned), so DNS rebinding cannot redirect it; redirects are not followed. The whole answer
 * must arrive before `timeoutMs`, and `signal` (the job's) aborts it on shutdown.
 */
export async function postJson(
  target: ResolvedTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<SendResult> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = AbortSignal.any([signal, timeout]);
  const pinnedLookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const request = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const outgoing = request(
        target.url,
        {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Fleetgate-Webhooks/1' },
          lookup: pinnedLookup,
          signal: combined,
          agent: false,
        },
        (response: IncomingMessage) => {
          let received = 0;
          response.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received > MAX_RESPONSE_BYTES) response.destroy();
          });
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.on('close', () => resolve(response.statusCode ?? 0));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
    return { status, error: status >= 200 && status < 300 ? null : `HTTP ${status}`, durationMs: elapsed(started) };
  } catch (error) {
    const message = timeout.aborted
      ? `no response within ${timeoutMs} ms`
      : signal.aborted
        ? 'interrupted by shutdown'
        : describe(error);
    return { status: null, error: message, durationMs: elapsed(started) };
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return (typeof code === 'string' ? `${code}: ${message}` : message).slice(0, 500);
}
