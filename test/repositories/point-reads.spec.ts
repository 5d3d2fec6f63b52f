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
