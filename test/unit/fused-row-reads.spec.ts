import type { FieldDef } from 'pg';
import { describe, expect, it } from 'vitest';
import { fuseRowReads, renumberParameters } from '../../src/platform/database/fused-row-reads.js';

const field = (name: string) => ({ name }) as FieldDef;

describe('row reads fused into one statement', () => {
  it('numbers each read’s parameters on from the reads before it, leaving quoted literals and identifiers alone', () => {
    expect(renumberParameters(`SELECT $1, $2 FROM t WHERE a = '$1' AND "$2" = $1 AND b = 'it''s $2'`, 3, 2)).toBe(
      `SELECT $4, $5 FROM t WHERE a = '$1' AND "$2" = $4 AND b = 'it''s $2'`,
    );
    expect(() => renumberParameters('SELECT $3', 0, 2)).toThrow('Parameter $3 of a statement given 2 values');
    expect(() => renumberParameters('SELECT $0', 0, 2)).toThrow('Parameter $0');
  });

  it('joins the reads’ names and values, each read a LATERAL subquery behind its marker column', () => {
    const fused = fuseRowReads([
      { name: 'key', text: 'SELECT id FROM keys WHERE public_id = $1', values: ['abc'] },
      { name: 'vehicle', text: 'SELECT id, company_id FROM vehicles WHERE id = $1 AND company_id = $2 -- both', values: ['v', 'c'] },
    ])!;
    expect(fused.statement).toEqual({
      name: 'key+vehicle',
      text:
        'SELECT r0.*, r1.* FROM (SELECT) AS fused ' +
        'LEFT JOIN LATERAL (SELECT true AS "fused read 0", part.* FROM (SELECT id FROM keys WHERE public_id = $1\n) AS part) AS r0 ON true ' +
        'LEFT JOIN LATERAL (SELECT true AS "fused read 1", part.* FROM (SELECT id, company_id FROM vehicles WHERE id = $2 AND company_id = $3 -- both\n) AS part) AS r1 ON true',
      values: ['abc', 'v', 'c'],
      rowMode: 'array',
    });
  });

  it('takes the one row apart into each read’s row, by column name, and none where a read answered none', () => {
    const fused = fuseRowReads(['a', 'b', 'c'].map((name) => ({ name, text: 'SELECT 1', values: [] })))!;
    const fields = ['fused read 0', 'id', 'name', 'fused read 1', 'id', 'fused read 2', 'id', 'id'].map(field);
    expect(fused.rowsOf({ rows: [[true, 1, 'one', null, null, true, 3, 4]], fields })).toEqual([{ id: 1, name: 'one' }, undefined, { id: 4 }]);
  });

  it('refuses an answer of more than one row (a read that answered several)', () => {
    const fused = fuseRowReads(['a', 'b'].map((name) => ({ name, text: 'SELECT 1', values: [] })))!;
    const fields = ['fused read 0', 'fused read 1'].map(field);
    expect(() => fused.rowsOf({ rows: [[true, true], [true, true]], fields })).toThrow('Fused reads a+b answered 2 rows');
  });

  it('fuses nothing whose name would not fit a prepared statement’s (63 bytes)', () => {
    const read = (name: string) => ({ name, text: 'SELECT 1', values: [] });
    expect(fuseRowReads([read('a'.repeat(31)), read('b'.repeat(31))])?.statement.name).toHaveLength(63);
    expect(fuseRowReads([read('a'.repeat(31)), read('b'.repeat(32))])).toBeUndefined();
  });
});
