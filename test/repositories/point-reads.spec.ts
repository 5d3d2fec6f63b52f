import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchedLookup } from '../../src/platform/database/batched-lookup.js';
import { PointReads } from '../../src/platform/database/point-reads.js';
import { type RepositoryContext, startRepositoryContext } from '../support/repositories.js';

const PID_SQL = 'SELECT pg_backend_pid() AS pid, $1::int AS n';

describe('point reads (one connection and one write for the reads of an event-loop turn)', () => {
  let context: RepositoryContext;
  let reads: PointReads;
  beforeAll(async () => {
    context = await startRepositoryContext();
    reads = context.app.app.get(PointReads);
  });
  afterAll(() => context.close());

  it('sends an idle read at once, and the reads that start while it is in flight together, each answered with its own rows', async () => {
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => reads.read<{ pid: number; n: number }>({ name: 'test_pid', text: PID_SQL, values: [n] })));
    expect(answers.map(([row]) => row.n)).toEqual([1, 2, 3, 4, 5]);
    const [, ...together] = answers;
    expect(new Set(together.map(([row]) => row.pid)).size).toBe(1);
  });

  it('fails only the read the database refuses; the others of its turn, and the next turn, are answered', async () => {
    const [before, refused, after] = await Promise.allSettled([
      reads.read<{ n: number }>({ name: 'test_n', text: 'SELECT $1::int AS n', values: [1] }),
      reads.read({ name: 'test_divide', text: 'SELECT 1 / $1::int AS n', values: [0] }),
      reads.read<{ n: number }>({ name: 'test_n', text: 'SELECT $1::int AS n', values: [2] }),
    ]);
    expect(before).toEqual({ status: 'fulfilled', value: [{ n: 1 }] });
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: '22012' } });
    expect(after).toEqual({ status: 'fulfilled', value: [{ n: 2 }] });
    expect(await reads.read({ name: 'test_n', text: 'SELECT $1::int AS n', values: [3] })).toEqual([{ n: 3 }]);
  });

  describe('reads that each answer at most one row', () => {
    /**
     * A row read answering `n` (none for 0) and the statement the database ran for it (a fused one names
     * its markers); its literal `$2` is not a parameter, and it ends in a line comment.
     */
    const rowRead = (n: number) =>
      reads.read<{ n: number; query: string }>({ name: 'test_row', text: "SELECT $1::int AS n, current_query() AS query WHERE $1::int <> 0 AND '$2' <> '' -- a comment last", values: [n] }, { oneRow: true });
    const fused = (query: string) => query.includes('"fused read 0"');
    /** Past the event-loop turn: the reads before have given their connection back, so the next read goes at once, alone. */
    const idle = () => new Promise((resolve) => setImmediate(resolve));

    it('go as one statement when a turn has only those: each answers its own row, or none', async () => {
      // the first goes at once, alone; the rest start while it is in flight and go together
      await idle();
      const [first, ...together] = await Promise.all([1, 2, 0, 3].map(rowRead));
      expect(first).toEqual([{ n: 1, query: expect.not.stringContaining('fused read') }]);
      expect(together.map((rows) => rows.map(({ n }) => n))).toEqual([[2], [], [3]]);
      expect(together.flat().every(({ query }) => fused(query))).toBe(true);
    });

    it('go as separate statements beside a read of any number of rows', async () => {
      const [, beside, many] = await Promise.all([
        rowRead(1),
        rowRead(2),
        reads.read<{ query: string }>({ name: 'test_many', text: 'SELECT current_query() AS query FROM generate_series(1, $1::int)', values: [2] }),
      ]);
      expect(beside.map(({ n }) => n)).toEqual([2]);
      expect(many).toHaveLength(2);
      expect([...beside, ...many].some(({ query }) => fused(query))).toBe(false);
    });

    it('are refused when one answers more than one row, alone or fused with others', async () => {
      const twoRows = () => reads.read({ name: 'test_two_rows', text: 'SELECT g FROM generate_series(1, 2) g', values: [] }, { oneRow: true });
      await expect(twoRows()).rejects.toThrow('Read test_two_rows answered 2 rows, not at most one');
      await idle();
      const [alone, refused, withIt] = await Promise.allSettled([rowRead(1), twoRows(), rowRead(2)]);
      expect(alone).toMatchObject({ status: 'fulfilled', value: [{ n: 1 }] });
      expect(refused).toMatchObject({ status: 'rejected', reason: { message: expect.stringContaining('answered 2 rows') } });
      expect(withIt).toMatchObject({ status: 'rejected', reason: { message: expect.stringContaining('answered 2 rows') } });
      expect(await rowRead(4)).toMatchObject([{ n: 4 }]);
    });

    it('include a batched lookup of one key, fused with the turn’s read-ahead', async () => {
      const lookup = new BatchedLookup<{ key: string; query: string }>(
        reads,
        (keys) => ({ name: 'test_lookup_query', text: 'SELECT key, current_query() AS query FROM unnest($1::text[]) AS key', values: [keys] }),
        (row) => row.key,
      );
      const [found, [ahead]] = await Promise.all([lookup.find('a'), rowRead(5)]);
      expect(found?.key).toBe('a');
      expect(ahead.n).toBe(5);
      expect(fused(found!.query) && fused(ahead.query)).toBe(true);
    });
  });

  it('looks up the keys of a turn in one query sent with the turn’s other reads: a repeated key shares its row, a missing one is undefined', async () => {
    const queried: string[][] = [];
    const lookup = new BatchedLookup<{ key: string; pid: number }>(
      reads,
      (keys) => {
        queried.push(keys);
        return { name: 'test_lookup', text: "SELECT key, pg_backend_pid() AS pid FROM unnest($1::text[]) AS key WHERE key <> 'missing'", values: [keys] };
      },
      (row) => row.key,
    );
    const [a, again, missing, b, [beside]] = await Promise.all([
      lookup.find('a'),
      lookup.find('a'),
      lookup.find('missing'),
      lookup.find('b'),
      reads.read<{ pid: number }>({ name: 'test_pid', text: PID_SQL, values: [0] }),
    ]);
    expect(queried).toEqual([['a', 'missing', 'b']]);
    expect(a?.key).toBe('a');
    expect(again).toBe(a);
    expect(missing).toBeUndefined();
    expect(b?.pid).toBe(beside.pid);
  });
});
