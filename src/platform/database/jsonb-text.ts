const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const SPACE = 0x20;

/**
 * PostgreSQL's text of a jsonb value (`jsonb::text`) as compact JSON, without parsing it: jsonb prints
 * exactly one space after each `,` and `:` between items and nothing else outside strings, so dropping
 * those spaces gives what `JSON.stringify(JSON.parse(text))` gives — for values stored from
 * JSON.stringify (numbers already in JavaScript's form) whose objects have no array-index keys
 * ("0", "1", …, which JavaScript would move first).
 */
export function compactJsonbText(text: string): string {
  let out = '';
  let from = 0;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === QUOTE) {
      for (at++; at < text.length; at++) {
        const inside = text.charCodeAt(at);
        if (inside === BACKSLASH) at++;
        else if (inside === QUOTE) break;
      }
    } else if ((code === COMMA || code === COLON) && text.charCodeAt(at + 1) === SPACE) {
      out += text.slice(from, at + 1);
      from = at + 2;
      at++;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}
