import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Vehicles (with their DVLA/MOT lookup), customers and driver-licence checks.
 * A registration is unique among a company's active vehicles: an archived vehicle keeps its history
 * but no longer blocks adding the same registration again (e.g. a car sold and later bought back).
 */
export class FleetRecords1763871000000 implements MigrationInterface {
  name = 'FleetRecords1763871000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE vehicles (
        id uuid PRIMARY KEY,
        company_id uuid NOT NULL REFERENCES companies(id),
        registration varchar(8) NOT NULL,
        vin varchar(17),
        nickname varchar(100),
        mileage integer CHECK (mileage >= 0),
        lookup_status varchar(16) NOT NULL CHECK (lookup_status IN ('complete', 'pending', 'not_found')),
        dvla jsonb,
        mot_tests jsonb NOT NULL DEFAULT '[]',
        looked_up_at timestamptz,
        archived_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX vehicles_company_registration_active ON vehicles (company_id, registration) WHERE archived_at IS NULL`);
    await db.query(`CREATE INDEX vehicles_company ON vehicles (company_id, id)`);
    await db.query(`CREATE INDEX vehicles_company_registration ON vehicles (company_id, registration, id)`);
    await db.query(`
      CREATE TABLE customers (
        id uuid PRIMARY KEY,
        company_id uuid NOT NULL REFERENCES companies(id),
        name varchar(200) NOT NULL,
        email varchar(320),
        phone varchar(16),
        address jsonb,
        date_of_birth date,
        licence jsonb,
        latest_licence_check jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX customers_company ON customers (company_id, id)`);
    await db.query(`CREATE INDEX customers_company_email ON customers (company_id, email, id)`);
    await db.query(`
      CREATE TABLE licence_checks (
        id uuid PRIMARY KEY,
        company_id uuid NOT NULL REFERENCES companies(id),
        customer_id uuid REFERENCES customers(id),
        licence_number varchar(16) NOT NULL,
        checked_at timestamptz NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ('valid', 'expired', 'revoked', 'disqualified')),
        categories jsonb NOT NULL,
        endorsements jsonb NOT NULL,
        penalty_points integer NOT NULL CHECK (penalty_points >= 0),
        flagged boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX licence_checks_company ON licence_checks (company_id, id)`);
    await db.query(`CREATE INDEX licence_checks_company_customer ON licence_checks (company_id, customer_id, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE licence_checks`);
    await db.query(`DROP TABLE customers`);
    await db.query(`DROP TABLE vehicles`);
  }
}
