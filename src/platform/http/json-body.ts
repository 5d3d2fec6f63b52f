import type { FieldError } from './problem-codes.js';
import { invalid } from './validation.pipe.js';

/** Deeper JSON is refused before it is parsed: nothing recursive ever sees it. */
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
 * The service's one JSON body parser: a linear scan refuses nesting deeper than MAX_JSON_DEPTH before
 * JSON.parse runs, then one walk of the (now shallow) result refuses prototype-poisoning keys, NUL
 * characters and unpaired UTF-16 surrogates anywhere, keys included. Every refusal is 400
 * `validation_failed` naming the field.
 */
export function parseJsonBody(raw: string): unknown {
  if (raw.trim() === '') throw invalid([{ field: 'body', message: 'must be a JSON object' }]);
  if (exceedsDepth(raw, MAX_JSON_DEPTH)) {
    throw invalid([{ field: 'body', message: `must not nest objects or arrays deeper than ${MAX_JSON_DEPTH} levels` }]);
  }
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

/** One pass over the text; brackets inside strings do not count. */
export function exceedsDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === BACKSLASH) index++;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) {
      inString = true;
    } else if (char === OPEN_OBJECT || char === OPEN_ARRAY) {
      if (++depth > maxDepth) return true;
    } else if (char === CLOSE_OBJECT || char === CLOSE_ARRAY) {
      depth--;
    }
  }
  return false;
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
