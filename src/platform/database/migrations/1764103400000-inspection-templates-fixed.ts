import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An inspection template never changes once stored: the service only ever inserts the starter
 * templates, and every instance keeps the templates it has read (InspectionTemplatesService), so an
 * inspection create reads none in its transaction. The database now refuses what would make a kept
 * template stale: UPDATE, DELETE and TRUNCATE of `inspection_templates`.
 */
export class InspectionTemplatesFixed1764103400000 implements MigrationInterface {
  name = 'InspectionTemplatesFixed1764103400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION inspection_templates_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'inspection_templates: % refused: a template never changes once stored (instances keep the ones they read)', TG_OP
          USING ERRCODE = 'restrict_violation';
      END
      $$`);
    await db.query(`CREATE TRIGGER inspection_templates_no_change BEFORE UPDATE OR DELETE ON inspection_templates FOR EACH ROW EXECUTE FUNCTION inspection_templates_fixed()`);
    await db.query(`CREATE TRIGGER inspection_templates_no_truncate BEFORE TRUNCATE ON inspection_templates FOR EACH STATEMENT EXECUTE FUNCTION inspection_templates_fixed()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER inspection_templates_no_truncate ON inspection_templates`);
    await db.query(`DROP TRIGGER inspection_templates_no_change ON inspection_templates`);
    await db.query(`DROP FUNCTION inspection_templates_fixed()`);
  }
}
