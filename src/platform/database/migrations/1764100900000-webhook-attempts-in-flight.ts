import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every webhook attempt is recorded when it starts, not only when it ends: `in_flight_until` is set
 * while it runs (its lease: the send timeout and a margin) and cleared with its outcome, so an attempt
 * interrupted by a crash stays in the history and is found (and repeated) once its lease has passed.
 */
export class WebhookAttemptsInFlight1764100900000 implements MigrationInterface {
  name = 'WebhookAttemptsInFlight1764100900000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE webhook_attempts ALTER COLUMN duration_ms DROP NOT NULL`);
    await db.query(`ALTER TABLE webhook_attempts ADD COLUMN in_flight_until timestamptz`);
    await db.query(`CREATE INDEX webhook_attempts_in_flight ON webhook_attempts (in_flight_until) WHERE in_flight_until IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX webhook_attempts_in_flight`);
    await db.query(`ALTER TABLE webhook_attempts DROP COLUMN in_flight_until`);
  }
}
