import type { FieldError } from './problem-codes.js';
import { invalid } from './validation.pipe.js';

/** Deeper JSON is refused while it arrives, before it is parsed: nothing recursive ever sees it. */
export const MAX_JSON_DEPTH = 32;

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** With the `u` flag a surrogate pair is one code point, so only unpaired surrogates match. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Nesting depth of JSON text fed in chunks as it arrives, so a too-deep body is refused after its first
 * few hundred bytes instead of after the whole body. It scans bytes: brackets, the quote and the
 * backslash are ASCII and never occur inside a multi-byte UTF-8 sequence, so a chunk boundary inside a
 * character cannot mislead it; the state a boundary can split (inside a string, after a backslash) is
 * carried to the next chunk. Brackets inside strings do not count.
 */
export class JsonDepthScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private tooDeep = false;

  constructor(private readonly maxDepth: number = MAX_JSON_DEPTH) {}

  /** Scans the next bytes of the text; true once the nesting has gone deeper than maxDepth (and from then on). */
  push(bytes: Uint8Array): boolean {
    if (this.tooDeep) return true;
    const maxDepth = this.maxDepth;
    let { depth, inString, escaped } = this;
    for (let index = 0; index < bytes.length; index++) {
      const byte = bytes[index];
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) inString = false;
      } else if (byte === QUOTE) {
        inString = true;
      } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
        if (++depth > maxDepth) {
          this.tooDeep = true;
          return true;
        }
      } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        depth--;
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return false;
  }
}

/** The refusal of a body nested deeper than MAX_JSON_DEPTH. */
export function tooDeep(): Error {
  return invalid([{ field: 'body', message: `must not nest objects or arrays deeper than ${MAX_JSON_DEPTH} levels` }]);
}

/**
 * The JSON text of a body whose depth JsonDepthScanner already bounded: JSON.parse, then one walk of the
 * (shallow) result refuses prototype-poisoning keys, NUL characters and unpaired UTF-16 surrogates
 * anywhere, keys included. Every refusal is 400 `validation_failed` naming the field.
 */
export function parseScannedJson(raw: string): unknown {
  if (raw.trim() === '') throw invalid([{ field: 'body', message: 'must be a JSON object' }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalid([{ field: 'body', message: 'must be valid JSON' }]);
  }
  const problem = hostileContent(parsed, '');
  if (problem) throw invalid([problem]);
  return parsed;
}

/** What is wrong with a string the service would store, if anything. */
export function hostileStringReason(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(value)) return 'must not contain unpaired UTF-16 surrogates';
  return undefined;
}

/** The first hostile key or string in a parsed JSON value (depth already bounded by the scan). */
export function hostileContent(value: unknown, path: string): FieldError | undefined {
  if (typeof value === 'string') {
    const reason = hostileStringReason(value);
    return reason ? { field: path || 'body', message: reason } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = hostileContent(value[index], `${path}[${index}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const field = path ? `${path}.${key}` : key;
    const keyReason = hostileStringReason(key);
    if (keyReason) return { field: JSON.stringify(field).slice(1, -1), message: `property name ${keyReason}` };
    if (key === '__proto__') return { field, message: 'is not allowed' };
    if (key === 'constructor' && child !== null && typeof child === 'object' && Object.hasOwn(child, 'prototype')) {
      return { field, message: 'is not allowed' };
    }
    const found = hostileContent(child, field);
    if (found) return found;
  }
  return undefined;
}
