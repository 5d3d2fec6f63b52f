import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Webhooks1763870900000 implements MigrationInterface {
  name = 'Webhooks1763870900000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY,
        company_id uuid NOT NULL REFERENCES companies(id),
        url varchar(2048) NOT NULL,
        events text[] NOT NULL,
        description varchar(500),
        enabled boolean NOT NULL DEFAULT true,
        disabled_reason varchar(32),
        secret_ciphertext text NOT NULL,
        previous_secret_ciphertext text,
        previous_secret_expires_at timestamptz,
        consecutive_failures integer NOT NULL DEFAULT 0,
        failing_since timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX webhook_endpoints_company ON webhook_endpoints (company_id, id)`);
    await db.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY,
        company_id uuid NOT NULL REFERENCES companies(id),
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        event_id uuid NOT NULL REFERENCES outbox_events(id),
        status varchar(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
        attempt_count integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        last_status integer,
        last_error varchar(500),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT webhook_deliveries_endpoint_event_unique UNIQUE (endpoint_id, event_id)
      )`);
    await db.query(`CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id)`);
    await db.query(`CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id)`);
    await db.query(`
      CREATE TABLE webhook_attempts (
        id uuid PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
        attempted_at timestamptz NOT NULL DEFAULT now(),
        http_status integer,
        duration_ms integer NOT NULL,
        error varchar(500)
      )`);
    await db.query(`CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE webhook_attempts`);
    await db.query(`DROP TABLE webhook_deliveries`);
    await db.query(`DROP TABLE webhook_endpoints`);
  }
}
