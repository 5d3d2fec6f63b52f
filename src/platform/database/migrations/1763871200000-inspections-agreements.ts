import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inspection templates (each company's starter templates are created on its first use: a migration
 * cannot know companies that sign up later), inspections and rental agreements. Money is numeric,
 * never floating point.
 */
export class InspectionsAgreements1763871200000 implements MigrationInterface {
  name = 'InspectionsAgreements1763871200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE inspection_templates (
        id uuid PRIMARY KEY,
        company_id uuid NOT NULL REFERENCES companies(id),
        key varchar(32) NOT NULL,
        name varchar(100) NOT NULL,
        items jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT inspection_templates_company_key UNIQUE (company_id, key)
      )`);
    await db.query(`
      CREATE TABLE inspections (
        id uuid PRIMARY KEY,
        company_id uuid NOT NULL REFERENCES companies(id),
        vehicle_id uuid NOT NULL REFERENCES vehicles(id),
        template_id uuid NOT NULL REFERENCES inspection_templates(id),
        status varchar(16) NOT NULL CHECK (status IN ('draft', 'completed')),
        mileage integer CHECK (mileage >= 0),
        fuel_level double precision CHECK (fuel_level >= 0 AND fuel_level <= 1),
        items jsonb NOT NULL,
        damages jsonb NOT NULL DEFAULT '[]',
        signed_by varchar(200),
        signed_off_at timestamptz,
        created_by jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'completed') = (signed_off_at IS NOT NULL AND signed_by IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX inspections_company ON inspections (company_id, id)`);
    await db.query(`CREATE INDEX inspections_company_vehicle ON inspections (company_id, vehicle_id, id)`);
    await db.query(`CREATE INDEX inspections_company_status ON inspections (company_id, status, id)`);
    await db.query(`
      CREATE TABLE rental_agreements (
        id uuid PRIMARY KEY,
        company_id uuid NOT NULL REFERENCES companies(id),
        vehicle_id uuid NOT NULL REFERENCES vehicles(id),
        customer_id uuid NOT NULL REFERENCES customers(id),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        daily_rate numeric(11, 2) NOT NULL CHECK (daily_rate >= 0),
        deposit numeric(11, 2) CHECK (deposit >= 0),
        mileage_limit integer CHECK (mileage_limit >= 0),
        terms text,
        status varchar(24) NOT NULL CHECK (status IN ('pending_signature', 'signed')),
        signed_by varchar(200),
        signed_at timestamptz,
        created_by jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_at > starts_at),
        CHECK ((status = 'signed') = (signed_at IS NOT NULL AND signed_by IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX rental_agreements_company ON rental_agreements (company_id, id)`);
    await db.query(`CREATE INDEX rental_agreements_company_vehicle ON rental_agreements (company_id, vehicle_id, id)`);
    await db.query(`CREATE INDEX rental_agreements_company_customer ON rental_agreements (company_id, customer_id, id)`);
    await db.query(`CREATE INDEX rental_agreements_company_status ON rental_agreements (company_id, status, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE rental_agreements`);
    await db.query(`DROP TABLE inspections`);
    await db.query(`DROP TABLE inspection_templates`);
  }
}
