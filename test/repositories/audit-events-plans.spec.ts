import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RepositoryContext, startRepositoryContext } from '../support/repositories.js';
import { startTestDatabase, type TestDatabase } from '../support/test-database.js';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Shared Hit Blocks'?: number;
  Plans?: PlanNode[];
}

const hashOf = (seq: number) => seq.toString(16).padStart(64, '0');

/** The indexes a plan reads, in plan order. */
function indexesOf(node: PlanNode): string[] {
  return [...(node['Index Name'] ? [node['Index Name']] : []), ...(node.Plans ?? []).flatMap(indexesOf)];
}

/**
 * How the database plans reads of `audit_events` that name a company, for a company its statistics
 * do not know yet (a new company; any company before the table's first ANALYZE): the planner then
 * estimates it at less than one event, and must still take the `(company_id, seq)` key.
 */
describe('audit_events read by company, for a company the statistics do not know', () => {
  // a database of its own: its statistics are this file's alone
  let database: TestDatabase;
  let context: RepositoryContext;
  let known: string;
  let unknown: string;
  const EVENTS = 8_000;

  const addEvents = (companyId: string, count: number, outcomeOf = `'success'`) =>
    database.query(
      `INSERT INTO audit_events (id, company_id, seq, occurred_at, actor_type, request_id, action, method, path, status, outcome, prev_hash, hash)
       SELECT gen_random_uuid(), $1, g, now() - make_interval(secs => $2 - g), 'api_key', 'req', 'vehicle.create', 'POST', '/v1/vehicles', 201,
              ${outcomeOf}, lpad(to_hex(g - 1), 64, '0'), lpad(to_hex(g), 64, '0')
         FROM generate_series(1, $2::int) AS g`,
      [companyId, count],
    );
  const plan = async (sql: string): Promise<PlanNode> =>
    ((await database.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`))[0]['QUERY PLAN'] as Array<{ Plan: PlanNode }>)[0].Plan;

  beforeAll(async () => {
    database = await startTestDatabase({ own: true });
    context = await startRepositoryContext({ databaseUrl: database.url }); // migrates it
    known = await context.newCompany();
    await addEvents(known, 2_000, `CASE WHEN g = 1000 THEN 'denied' ELSE 'success' END`);
    await database.query('ANALYZE audit_events');
    unknown = await context.newCompany();
    await addEvents(unknown, EVENTS);
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    await database?.close();
  });

  it("moves the company's chain head with a lookup of its event by the key, not a scan of the company's events", async () => {
    const lookup = await plan(
      `SELECT EXISTS (SELECT 1 FROM audit_events e WHERE e.company_id = '${unknown}' AND e.seq = ${EVENTS} AND e.hash = '${hashOf(EVENTS)}')`,
    );
    expect(indexesOf(lookup)).toEqual(['audit_events_company_seq']);

    // the guard itself, as a chaining call moves the head onto the company's newest event
    await database.query(`INSERT INTO audit_chain_heads (company_id, seq, hash) VALUES ($1, $2, $3)`, [unknown, EVENTS - 1, hashOf(EVENTS - 1)]);
    await database.query('BEGIN');
    try {
      const move = await plan(`UPDATE audit_chain_heads SET seq = ${EVENTS}, hash = '${hashOf(EVENTS)}' WHERE company_id = '${unknown}'`);
      // the guard's lookup reads a few pages; a scan of the company's 8,000 events reads hundreds
      expect(move['Shared Hit Blocks']).toBeLessThan(150);
    } finally {
      await database.query('ROLLBACK');
    }
  });

  it("reads the newest seq of the company's events from the key", async () => {
    expect(indexesOf(await plan(`SELECT max(seq) FROM audit_events WHERE company_id = '${unknown}'`))).toEqual(['audit_events_company_seq']);
  });

  it("still answers a filter from the filter's index", async () => {
    const denied = await plan(`SELECT id FROM audit_events WHERE company_id = '${known}' AND outcome = 'denied' ORDER BY seq DESC LIMIT 51`);
    expect(indexesOf(denied)).toEqual(['audit_events_company_outcome']);
    // the first event of an export's range (AuditLogService.seqSpan)
    const rangeStart = await plan(`SELECT seq FROM audit_events WHERE company_id = '${known}' AND occurred_at >= now() - interval '10 minutes' ORDER BY occurred_at, seq LIMIT 1`);
    expect(indexesOf(rangeStart)).toEqual(['audit_events_company_occurred']);
  });
});
