// Parallel parsing and hashing for the verifier: an event's hash depends only on its own fields and its
// own prevHash, so batches of lines are parsed and hashed on worker threads while the main thread keeps
// the order and does every chain and checkpoint check exactly as a single-threaded run does.
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { chainHash } from './chain.js';
import { forEachLine } from './lines.js';

const LINES_PER_BATCH = 2000;

/**
 * What a line is, as the main thread needs it: `{ empty }`, `{ malformed }` (not JSON), an event
 * reduced to the fields the chain checks read plus `computed` (its hash, or `hashError`), or any other
 * JSON value whole (checkpoints, error markers, strays).
 */
function parseLine(text) {
  if (text === '') return { empty: true };
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return { malformed: true };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value.type !== undefined || (value.error !== undefined && value.seq === undefined)) {
    return { value };
  }
  let computed;
  let hashError = false;
  try {
    computed = chainHash(value, value.prevHash);
  } catch {
    hashError = true;
  }
  return { value: { companyId: value.companyId, seq: value.seq, prevHash: value.prevHash, hash: value.hash }, computed, hashError };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', ({ id, lines }) => port.postMessage({ id, parsed: lines.map(parseLine) }));
}

/**
 * Calls onParsed(parsedLine, lineNumber) for every line of a file (or stdin for '-') in order, the
 * parsing and hashing done by `threads` workers; on one thread, here. Reading pauses while every worker
 * has two batches waiting.
 */
export async function forEachParsedLine(path, threads, onParsed) {
  if (threads <= 1) return forEachLine(path, (text, line) => onParsed(parseLine(text), line));
  const workers = Array.from({ length: threads }, () => new Worker(new URL(import.meta.url)));
  const waiting = new Map(); // batch id → { firstLine, parsed } once its worker answered
  let input;
  let batch = [];
  let firstLine = 1;
  let sent = 0;
  let emitted = 0;
  let settle;
  let failure;
  const allDone = new Promise((resolve, reject) => (settle = { resolve, reject }));
  const fail = (error) => {
    failure ??= error;
    input?.destroy();
    settle.reject(error);
  };
  const emitInOrder = () => {
    try {
      for (let next = waiting.get(emitted); next !== undefined; next = waiting.get(emitted)) {
        waiting.delete(emitted);
        let line = next.firstLine;
        for (const entry of next.parsed) onParsed(entry, line++);
        emitted += 1;
      }
    } catch (error) {
      fail(error);
      return;
    }
    if (input?.isPaused() && sent - emitted < threads * 2) input.resume();
    if (input === null && emitted === sent) settle.resolve();
  };
  const firstLines = new Map();
  for (const worker of workers) {
    worker.on('message', ({ id, parsed }) => {
      waiting.set(id, { firstLine: firstLines.get(id), parsed });
      firstLines.delete(id);
      emitInOrder();
    });
    worker.on('error', fail);
  }
  const send = () => {
    if (batch.length === 0) return;
    const id = sent++;
    firstLines.set(id, firstLine);
    firstLine += batch.length;
    workers[id % threads].postMessage({ id, lines: batch });
    batch = [];
    if (sent - emitted >= threads * 2) input?.pause();
  };
  try {
    const lines = await forEachLine(path, (text) => {
      batch.push(text);
      if (batch.length === LINES_PER_BATCH) send();
    }, (stream) => (input = stream));
    send();
    input = null;
    emitInOrder();
    await allDone;
    if (failure) throw failure;
    return lines;
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
