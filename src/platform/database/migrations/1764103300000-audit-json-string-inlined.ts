import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit_json_string` was declared IMMUTABLE around `to_json`, which is STABLE: PostgreSQL does not
 * inline such a SQL function, so each of its 16 calls in `audit_append` ran as a separate SQL function,
 * parsed and planned again in every transaction (plpgsql keeps its simple expressions' state per
 * transaction). Declared STABLE, as its body is, it is inlined into the caller's cached plan.
 * Measured with bench:perf on a private cluster: database CPU per `POST /v1/vehicles` (issue #15).
 */
export class AuditJsonStringInlined1764103300000 implements MigrationInterface {
  name = 'AuditJsonStringInlined1764103300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER FUNCTION audit_json_string(text) STABLE`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER FUNCTION audit_json_string(text) IMMUTABLE`);
  }
}
