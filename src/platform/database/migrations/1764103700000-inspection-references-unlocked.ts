import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The names the service knows the refusals by (InspectionsRepository), kept from the foreign keys they replace. */
const VEHICLE_OF_COMPANY = 'inspections_company_vehicle_fkey';
const TEMPLATE = 'inspections_template_id_fkey';

/**
 * An inspection no longer locks its vehicle's row or its template's row (issue #15), as migration
 * 1764103300000 did for the company row. A foreign key takes FOR KEY SHARE on the row it refers to, so
 * concurrent inspections of one template (a company's check-outs all use one) or of one
 * vehicle share a lock, and PostgreSQL records each new set of sharers as a new MultiXact. Measured with
 * pgbench, 10 clients inserting one company's inspections of one vehicle, three interleaved rounds:
 * 6,315–6,503 transactions/s at 223–229 µs of database CPU each with the two keys, 6,933–7,051/s at
 * 199–206 µs with this trigger (one client: within the noise, 282–317 against 289–353 µs).
 *
 * The lock only guards against the referred row being deleted or re-keyed meanwhile. A template never
 * changes once stored (migration 1764103400000 refuses UPDATE, DELETE and TRUNCATE), and now neither does
 * a vehicle's identity: a vehicle is archived, never deleted, and never changes id or company. So one
 * trigger checks both references, reading the rows without locking them, and refuses with the foreign
 * keys' SQLSTATE (23503) and constraint names. The vehicle (company_id, id) stands for the company too,
 * so the inspection's own company check goes.
 */
export class InspectionReferencesUnlocked1764103700000 implements MigrationInterface {
  name = 'InspectionReferencesUnlocked1764103700000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION vehicles_permanent() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'vehicles: % refused: a vehicle is archived, never deleted or moved (inspections refer to it unlocked)', TG_OP
          USING ERRCODE = 'restrict_violation';
      END
      $$`);
    await db.query(`CREATE TRIGGER vehicles_no_delete BEFORE DELETE ON vehicles FOR EACH ROW EXECUTE FUNCTION vehicles_permanent()`);
    await db.query(`
      CREATE TRIGGER vehicles_identity_fixed BEFORE UPDATE OF id, company_id ON vehicles
        FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.company_id IS DISTINCT FROM NEW.company_id)
        EXECUTE FUNCTION vehicles_permanent()`);
    await db.query(`CREATE TRIGGER vehicles_no_truncate BEFORE TRUNCATE ON vehicles FOR EACH STATEMENT EXECUTE FUNCTION vehicles_permanent()`);
    await db.query(`
      CREATE FUNCTION inspection_references_check() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM vehicles WHERE company_id = NEW.company_id AND id = NEW.vehicle_id) THEN
          RAISE EXCEPTION 'inspections: no vehicle % of company %', NEW.vehicle_id, NEW.company_id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = '${VEHICLE_OF_COMPANY}';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM inspection_templates WHERE id = NEW.template_id) THEN
          RAISE EXCEPTION 'inspections: no template %', NEW.template_id USING ERRCODE = 'foreign_key_violation', CONSTRAINT = '${TEMPLATE}';
        END IF;
        RETURN NEW;
      END
      $$`);
    await db.query(`
      CREATE TRIGGER inspections_references_exist BEFORE INSERT OR UPDATE OF company_id, vehicle_id, template_id ON inspections
        FOR EACH ROW EXECUTE FUNCTION inspection_references_check()`);
    await db.query(`DROP TRIGGER inspections_company_exists ON inspections`);
    await db.query(`ALTER TABLE inspections DROP CONSTRAINT ${VEHICLE_OF_COMPANY}`);
    await db.query(`ALTER TABLE inspections DROP CONSTRAINT ${TEMPLATE}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE inspections ADD CONSTRAINT ${TEMPLATE} FOREIGN KEY (template_id) REFERENCES inspection_templates (id)`);
    await db.query(`
      ALTER TABLE inspections ADD CONSTRAINT ${VEHICLE_OF_COMPANY}
        FOREIGN KEY (company_id, vehicle_id) REFERENCES vehicles (company_id, id)`);
    await db.query(`
      CREATE TRIGGER inspections_company_exists BEFORE INSERT OR UPDATE OF company_id ON inspections
        FOR EACH ROW EXECUTE FUNCTION company_reference_check()`);
    await db.query(`DROP TRIGGER inspections_references_exist ON inspections`);
    await db.query(`DROP FUNCTION inspection_references_check()`);
    await db.query(`DROP TRIGGER vehicles_no_truncate ON vehicles`);
    await db.query(`DROP TRIGGER vehicles_identity_fixed ON vehicles`);
    await db.query(`DROP TRIGGER vehicles_no_delete ON vehicles`);
    await db.query(`DROP FUNCTION vehicles_permanent()`);
  }
}
