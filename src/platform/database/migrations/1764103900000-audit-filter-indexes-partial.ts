import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The console's filter indexes of `audit_events`, each with the column a filter on it names. */
const FILTER_INDEXES = [
  { name: 'audit_events_company_occurred', columns: 'company_id, occurred_at', filtered: 'occurred_at IS NOT NULL' },
  { name: 'audit_events_company_actor', columns: 'company_id, actor_id, seq', filtered: 'actor_id IS NOT NULL' },
  { name: 'audit_events_company_action', columns: 'company_id, action, seq', filtered: 'action IS NOT NULL' },
  { name: 'audit_events_company_resource', columns: 'company_id, resource_type, resource_id, seq', filtered: 'resource_type IS NOT NULL OR resource_id IS NOT NULL' },
  { name: 'audit_events_company_outcome', columns: 'company_id, outcome, seq', filtered: 'outcome IS NOT NULL' },
];

/**
 * A query that names a company and no filter can use only the `(company_id, seq)` key (issue #15).
 *
 * The console's five filter indexes all begin with `company_id`, so each could serve a query that
 * names only the company. The planner costs such a scan by the company's share of the last ANALYZE:
 * a company that was not in it (a new one, or any before the table's first ANALYZE) is estimated at
 * less than one event, and a scan of a filter index by company alone then looks as cheap as a lookup
 * by the key. So the chain head's guard (is the new head a stored event: by company and seq) was
 * sometimes planned as a scan of `audit_events_company_occurred`, reading every event of the
 * company on every chaining call: under a steady load of one company's writes its buffer reads grew
 * from 437 to 2,632 per call within a minute, and the database's CPU per `POST /v1/vehicles` from
 * 663 to 1,355 µs (`bench:perf`, seven rounds of 6 s). `max(seq)` of the export's range was open to
 * the same plan.
 *
 * Each filter index now has a predicate that holds for every row a filter on its column can match
 * (on `occurred_at`, `action` and `outcome`, which are never null, for every row): a query proves it
 * only from a condition on that column (`actor_id = …`, `occurred_at >= …`, `action LIKE …`), so the
 * filters use the same indexes as before and a company-only query has the key alone. Rebuilding them
 * blocks writes to `audit_events` while it runs.
 */
export class AuditFilterIndexesPartial1764103900000 implements MigrationInterface {
  name = 'AuditFilterIndexesPartial1764103900000';

  async up(db: QueryRunner): Promise<void> {
    for (const index of FILTER_INDEXES) {
      await db.query(`DROP INDEX ${index.name}`);
      await db.query(`CREATE INDEX ${index.name} ON audit_events (${index.columns}) WHERE ${index.filtered}`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const index of FILTER_INDEXES) {
      await db.query(`DROP INDEX ${index.name}`);
      await db.query(`CREATE INDEX ${index.name} ON audit_events (${index.columns})`);
    }
  }
}
