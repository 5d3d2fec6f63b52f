import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger's filters (`GET /v1/credits/transactions?reason=&actor=`) page newest first by id within
 * one company; each filter gets its own keyset index so a rare reason or actor stays one range scan.
 */
export class CreditLedgerFilters1764102000000 implements MigrationInterface {
  name = 'CreditLedgerFilters1764102000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX credit_ledger_company_reason ON credit_ledger (company_id, reason, id)`);
    await db.query(`CREATE INDEX credit_ledger_company_actor_id ON credit_ledger (company_id, (actor->>'id'), id)`);
    await db.query(
      `CREATE INDEX credit_ledger_company_actor_key ON credit_ledger (company_id, (actor->>'publicId'), id) WHERE actor->>'publicId' IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX credit_ledger_company_actor_key`);
    await db.query(`DROP INDEX credit_ledger_company_actor_id`);
    await db.query(`DROP INDEX credit_ledger_company_reason`);
  }
}
