import type { FieldDef, QueryResultRow } from 'pg';
import type { PreparedStatement } from './pool.js';

/** The longest prepared statement name PostgreSQL keeps whole (NAMEDATALEN - 1 bytes). */
const MAX_NAME_BYTES = 63;

/** Each read's first column in the fused statement: true where the read answered its row. */
const marker = (index: number) => `fused read ${index}`;

/** A parameter (`$n`), or a quoted literal or identifier to leave as it is. */
const PARAMETER_OR_QUOTED = /'(?:[^']|'')*'|"(?:[^"]|"")*"|\$(\d+)/g;

/** Several row reads sent as one statement, and how to take its one row apart. */
export interface FusedRowReads {
  statement: PreparedStatement & { rowMode: 'array' };
  /** Each read's row (undefined where it answered none), in the order the reads were given. */
  rowsOf(result: { rows: unknown[]; fields: FieldDef[] }): Array<QueryResultRow | undefined>;
}

/**
 * Reads that each answer at most one row, as one statement: each is a LATERAL subquery joined to a
 * single row, so the database parses, plans and answers them in one go, and the client handles one
 * result instead of one per read. Its parameters are numbered on from the reads before it. Answers
 * undefined when the combined name would not fit a prepared statement's name.
 */
export function fuseRowReads(reads: PreparedStatement[]): FusedRowReads | undefined {
  const name = reads.map((read) => read.name).join('+');
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) return undefined;
  let offset = 0;
  const joins = reads.map((read, index) => {
    const text = renumberParameters(read.text, offset, read.values.length);
    offset += read.values.length;
    // the read's own text ends on a line of its own, so a closing line comment cannot swallow the parenthesis
    return `LEFT JOIN LATERAL (SELECT true AS "${marker(index)}", part.* FROM (${text}\n) AS part) AS r${index} ON true`;
  });
  const columns = reads.map((_, index) => `r${index}.*`).join(', ');
  return {
    statement: { name, text: `SELECT ${columns} FROM (SELECT) AS fused ${joins.join(' ')}`, values: reads.flatMap((read) => read.values), rowMode: 'array' },
    rowsOf: ({ rows, fields }) => {
      if (rows.length !== 1) throw new Error(`Fused reads ${name} answered ${rows.length} rows: one of them answered more than one`);
      const row = rows[0] as unknown[];
      const starts = reads.map((_, index) => fields.findIndex((field) => field.name === marker(index)));
      return starts.map((start, index) => {
        if (row[start] === null) return undefined;
        const end = starts[index + 1] ?? fields.length;
        const read: QueryResultRow = {};
        for (let column = start + 1; column < end; column++) read[fields[column].name] = row[column];
        return read;
      });
    },
  };
}

/**
 * `text` with each `$n` (1 ≤ n ≤ count) as `$(n + offset)`; quoted literals and identifiers as they are
 * (a point read is a short hand-written SELECT: no dollar-quoted strings).
 */
export function renumberParameters(text: string, offset: number, count: number): string {
  return text.replace(PARAMETER_OR_QUOTED, (token: string, number?: string) => {
    if (number === undefined) return token;
    const parameter = Number(number);
    if (parameter < 1 || parameter > count) throw new Error(`Parameter $${number} of a statement given ${count} values`);
    return `$${parameter + offset}`;
  });
}
