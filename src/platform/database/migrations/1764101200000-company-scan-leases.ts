import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One full-log scan (audit export or verify) per company at a time across every instance: the scan
 * holds its company's row here, renewed while it runs; a row past `expires_at` (its instance died) is
 * taken over. A table rather than an advisory lock because the embedded database's connections share
 * one session, where an advisory lock excludes no one.
 */
export class CompanyScanLeases1764101200000 implements MigrationInterface {
  name = 'CompanyScanLeases1764101200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE company_scan_leases (
        company_id uuid PRIMARY KEY,
        holder uuid NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE company_scan_leases`);
  }
}
