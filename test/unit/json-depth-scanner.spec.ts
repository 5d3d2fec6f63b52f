import { describe, expect, it } from 'vitest';
import { JsonDepthScanner, MAX_JSON_DEPTH } from '../../src/platform/http/json-body.js';

const nested = (depth: number, inner = '1') => '{"a":'.repeat(depth) + inner + '}'.repeat(depth);

/** Feeds the bytes in the given pieces; whether the scanner found the text too deep. */
function scan(pieces: Uint8Array[], maxDepth = MAX_JSON_DEPTH): boolean {
  const scanner = new JsonDepthScanner(maxDepth);
  let tooDeep = false;
  for (const piece of pieces) tooDeep = scanner.push(piece);
  return tooDeep;
}

/** Every way of cutting the bytes in two, and byte by byte. */
function splits(bytes: Buffer): Uint8Array[][] {
  const ways: Uint8Array[][] = [[bytes], [...bytes].map((byte) => Uint8Array.of(byte))];
  for (let cut = 0; cut <= bytes.length; cut++) ways.push([bytes.subarray(0, cut), bytes.subarray(cut)]);
  return ways;
}

describe(JsonDepthScanner.name, () => {
  it.each([
    ['32 levels', nested(32), false],
    ['33 levels', nested(33), true],
    ['arrays mixed with objects past the limit', '['.repeat(20) + nested(13) + ']'.repeat(20), true],
    ['deep brackets inside a string', JSON.stringify({ a: '[{'.repeat(40) }), false],
    ['an escaped quote then brackets still inside the string', JSON.stringify({ a: '\\"' + '['.repeat(40) }), false],
    ['an escaped backslash closing before real brackets', `{"a":"x\\\\",${'"b":['.repeat(1)}${'['.repeat(32)}${']'.repeat(33)}}`, true],
    ['brackets after a string holding only an escaped backslash', `["\\\\",${nested(31)}]`, false],
    ['multi-byte characters (€, an emoji) around brackets in strings', JSON.stringify({ '€': '😀[[[[', b: ['€'.repeat(3)] }), false],
    ['multi-byte characters before going too deep', `{"€😀":${nested(32, '"é"')}}`, true],
    ['a \\u escape of a quote', `{"a":"\\u0022${'['.repeat(40)}"}`, false],
  ])('%s: the same answer wherever the chunks are cut', (_label, text, expected) => {
    for (const pieces of splits(Buffer.from(text, 'utf8'))) {
      expect(scan(pieces), `cut into ${pieces.map((piece) => piece.length).join('+')} bytes`).toBe(expected);
    }
  });

  it('carries the backslash of an escape split from the quote it escapes', () => {
    const scanner = new JsonDepthScanner(1);
    expect(scanner.push(Buffer.from('["a\\'))).toBe(false);
    // this quote is escaped: the string goes on, and the brackets are inside it
    expect(scanner.push(Buffer.from('"[[[['))).toBe(false);
    expect(scanner.push(Buffer.from('"'))).toBe(false);
    // the string closed: this bracket is the second level
    expect(scanner.push(Buffer.from(',['))).toBe(true);
  });

  it('keeps answering too deep once it was, and reports it at the chunk that went over', () => {
    const scanner = new JsonDepthScanner(2);
    expect(scanner.push(Buffer.from('[['))).toBe(false);
    expect(scanner.push(Buffer.from('['))).toBe(true);
    expect(scanner.push(Buffer.from(']]]'))).toBe(true);
  });

  it('refuses 960 kB of nesting within its first few hundred bytes', () => {
    const scanner = new JsonDepthScanner();
    const body = Buffer.from(nested(160_000));
    expect(scanner.push(body.subarray(0, 5 * (MAX_JSON_DEPTH + 1)))).toBe(true);
  });
});
