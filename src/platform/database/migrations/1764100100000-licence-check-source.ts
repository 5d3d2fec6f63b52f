import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Contract 1.1: where a licence check's answer came from, and what deserves a second look. */
export class LicenceCheckSource1764100100000 implements MigrationInterface {
  name = 'LicenceCheckSource1764100100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE licence_checks ADD COLUMN source varchar(16) NOT NULL DEFAULT 'simulated'`);
    await db.query(`ALTER TABLE licence_checks ADD COLUMN warnings jsonb NOT NULL DEFAULT '[]'::jsonb`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE licence_checks DROP COLUMN warnings, DROP COLUMN source`);
  }
}
