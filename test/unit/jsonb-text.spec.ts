import { describe, expect, it } from 'vitest';
import { compactJsonbText } from '../../src/platform/database/jsonb-text.js';

/** What PostgreSQL prints for a jsonb value: one space after each `,` and `:` between items. */
function jsonbText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jsonbText).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${jsonbText(item)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

describe('compactJsonbText', () => {
  const awkward = [
    'ends in a backslash \\',
    'ends in two \\\\',
    'a \\"quoted\\" word',
    '"', '\\', '\\"', ', ', ': ', '", "', '": "',
    'tab\t, new\nline, \u0001, é €, 🚐, \u2028',
  ];

  it.each(awkward)('gives what JSON.stringify gives, strings holding %j included', (text) => {
    const value = { [text]: [text, { inner: text, n: -1.5, yes: true, none: null }], after: text, list: [1, [], {}] };
    expect(compactJsonbText(jsonbText(value))).toBe(JSON.stringify(value));
  });

  it('returns text with no separators to drop as it is', () => {
    expect(compactJsonbText('"a, b: c"')).toBe('"a, b: c"');
    expect(compactJsonbText('[]')).toBe('[]');
  });
});
