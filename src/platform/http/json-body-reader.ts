import type { Readable } from 'node:stream';
import { errorCodes } from 'fastify';
import { DomainError } from './domain-error.js';
import { JsonDepthScanner, parseScannedJson, tooDeep } from './json-body.js';

type Done = (error: Error | null, body?: unknown) => void;
/** Answers a refusal for a hostile body (too deep, over the limit) through `answer`, at once or later. */
type RefuseHostile = (answer: () => void) => void;

/**
 * Request-body bytes the instance holds at once (received, not yet parsed), across every connection and
 * per client address: the per-address connection cap times the body limit alone would let one address
 * hold a quarter of a gigabyte with stalled uploads, and many addresses gigabytes.
 */
export class BodyBudget {
  private held = 0;
  private readonly heldByAddress = new Map<string, number>();

  constructor(
    readonly limit: number,
    readonly limitPerAddress: number,
  ) {}

  /** Counts bytes in; nothing counted and the budget it would break named if they would take the instance or the address over its limit. */
  take(address: string, bytes: number): 'instance' | 'address' | undefined {
    const ofAddress = this.heldByAddress.get(address) ?? 0;
    if (ofAddress + bytes > this.limitPerAddress) return 'address';
    if (this.held + bytes > this.limit) return 'instance';
    this.held += bytes;
    this.heldByAddress.set(address, ofAddress + bytes);
    return undefined;
  }

  give(address: string, bytes: number): void {
    if (bytes === 0) return;
    this.held -= bytes;
    const left = (this.heldByAddress.get(address) ?? 0) - bytes;
    if (left > 0) this.heldByAddress.set(address, left);
    else this.heldByAddress.delete(address);
  }

  get bytesHeld(): number {
    return this.held;
  }
}

/**
 * Reads a JSON body chunk by chunk as it arrives: the body limit (a Content-Length over it refused
 * before a byte is read), the body budget (the instance's and `address`'s), and the nesting depth are enforced on every chunk,
 * so an over-large or too-deep body is refused as soon as it shows, not after the whole of it arrived.
 * Any refusal goes to `done`, whose reply Fastify sends with `Connection: close`: Node closes the
 * socket once the answer is written, and the rest of the body is never received. A client that goes
 * away mid-body (or is cut by the request timeout) reaches `done` as Node's `aborted` error.
 * A hostile body's refusal (nested too deep, over the limit) goes through `refuseHostile`, which may
 * hold it (the per-address penalty, hostile-body-tarpit.ts); the body is not read further meanwhile.
 */
export function readJsonBody(
  payload: Readable,
  headers: Record<string, unknown>,
  limit: number,
  budget: BodyBudget,
  address: string,
  done: Done,
  refuseHostile: RefuseHostile = (answer) => answer(),
): void {
  const contentLength = Number(headers['content-length']);
  if (contentLength > limit) {
    payload.pause();
    refuseHostile(() => done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE()));
    return;
  }
  const scanner = new JsonDepthScanner();
  let chunks: Buffer[] = [];
  let received = 0;

  const finish = (error: Error | null, body?: unknown, hostile = false) => {
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', onError);
    budget.give(address, received);
    chunks = [];
    // the rest of a refused body is not read: Node closes the connection once the answer is written
    if (error) payload.pause();
    if (hostile) refuseHostile(() => done(error, body));
    else done(error, body);
  };

  function onData(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (received + bytes.length > limit) {
      finish(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), undefined, true);
      return;
    }
    const over = budget.take(address, bytes.length);
    if (over) {
      finish(over === 'address' ? overAddressBudget() : overBudget());
      return;
    }
    received += bytes.length;
    if (scanner.push(bytes)) {
      finish(tooDeep(), undefined, true);
      return;
    }
    chunks.push(bytes);
  }

  function onEnd(): void {
    if (!Number.isNaN(contentLength) && received !== contentLength) {
      finish(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
      return;
    }
    // decoded once, whole: a multi-byte character split across chunks stays intact
    const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, received).toString('utf8');
    let body: unknown;
    try {
      body = parseScannedJson(text);
    } catch (error) {
      finish(error as Error);
      return;
    }
    finish(null, body);
  }

  function onError(error: Error & { statusCode?: number }): void {
    if (!(typeof error.statusCode === 'number' && error.statusCode >= 400)) error.statusCode = 400;
    finish(error);
  }

  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onError);
  payload.resume();
}

function overAddressBudget(): DomainError {
  return new DomainError(
    'rate_limited',
    'Your address is sending too many request bodies at once; the request had no effect. Retry it when the others have arrived.',
    {},
    { 'Retry-After': '1' },
  );
}

function overBudget(): DomainError {
  return new DomainError(
    'dependency_unavailable',
    'This instance is receiving too many request bodies at once; the request had no effect. Retry it.',
    {},
    { 'Retry-After': '1' },
  );
}
