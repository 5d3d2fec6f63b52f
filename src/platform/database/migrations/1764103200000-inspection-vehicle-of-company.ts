import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An inspection's vehicle must be one of its own company's, and the database says so: the foreign key
 * is (company_id, vehicle_id) → vehicles (company_id, id). Creating an inspection is then one INSERT,
 * refused by the key when the vehicle is unknown or another company's (the service's plain 404),
 * instead of a lookup before it (issue #15: one round trip fewer while the write's transaction is open).
 * The unique index replaces the plain one on the same columns.
 */
export class InspectionVehicleOfCompany1764103200000 implements MigrationInterface {
  name = 'InspectionVehicleOfCompany1764103200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE UNIQUE INDEX vehicles_company_id ON vehicles (company_id, id)`);
    await db.query(`DROP INDEX vehicles_company`);
    await db.query(`
      ALTER TABLE inspections ADD CONSTRAINT inspections_company_vehicle_fkey
        FOREIGN KEY (company_id, vehicle_id) REFERENCES vehicles (company_id, id)`);
    await db.query(`ALTER TABLE inspections DROP CONSTRAINT inspections_vehicle_id_fkey`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE inspections ADD CONSTRAINT inspections_vehicle_id_fkey FOREIGN KEY (vehicle_id) REFERENCES vehicles (id)`);
    await db.query(`ALTER TABLE inspections DROP CONSTRAINT inspections_company_vehicle_fkey`);
    await db.query(`CREATE INDEX vehicles_company ON vehicles (company_id, id)`);
    await db.query(`DROP INDEX vehicles_company_id`);
  }
}
