import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APPEND_SIGNATURE, appendFunction, LOCK_FOR_UPDATE } from './1764103000000-audit-append-at-commit.js';

/** Every table whose rows belong to a company, each with the foreign key `<table>_company_id_fkey`. */
const COMPANY_TABLES = [
  'users', 'refresh_tokens', 'api_keys', 'outbox_events', 'credit_ledger', 'idempotency_keys', 'audit_events',
  'audit_chain_heads', 'audit_checkpoints', 'webhook_endpoints', 'webhook_deliveries', 'vehicles', 'customers',
  'licence_checks', 'inspection_templates', 'inspections', 'rental_agreements',
] as const;

/** Locks the chain head alone: a head exists only for a company that exists, and the first event's head insert checks it. */
const LOCK_HEAD = `
        SELECT h.seq, h.hash INTO head_seq, head_hash FROM audit_chain_heads h WHERE h.company_id = p_company_id FOR UPDATE;
        IF NOT FOUND THEN
          -- the company's first event: make its head (refused for an unknown company), or wait for the one a concurrent first event made
          INSERT INTO audit_chain_heads (company_id, seq, hash) VALUES (p_company_id, 0, p_genesis_hash) ON CONFLICT (company_id) DO NOTHING;
          SELECT h.seq, h.hash INTO head_seq, head_hash FROM audit_chain_heads h WHERE h.company_id = p_company_id FOR UPDATE;
        END IF;
`;

/**
 * A write no longer locks its company's row (issue #15). A foreign key to `companies` takes FOR KEY
 * SHARE on the company row for every row inserted; concurrent writers of one company then share that
 * lock, and PostgreSQL records each new set of sharers as a new MultiXact (written to its SLRU and WAL,
 * and read back by every later visitor of the row). Measured with pgbench, 32 clients inserting
 * vehicles of one company: 2,000–2,300 transactions/s with the key, 2,600–3,300 without it.
 *
 * The lock only guards against the company being deleted or re-keyed meanwhile, and a company is
 * permanent: nothing deletes one, and now the database refuses to (DELETE, TRUNCATE, or a change of
 * id). So each company reference is checked by a trigger that reads the company row without locking
 * it, with the foreign key's SQLSTATE (23503). `audit_append` stops taking the company row too: the
 * head it locks exists only for a company that exists.
 */
export class CompanyReferencesUnlocked1764103300000 implements MigrationInterface {
  name = 'CompanyReferencesUnlocked1764103300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION companies_permanent() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'companies: % refused: a company is permanent (other tables refer to it unlocked)', TG_OP
          USING ERRCODE = 'restrict_violation';
      END
      $$`);
    await db.query(`CREATE TRIGGER companies_no_delete BEFORE DELETE ON companies FOR EACH ROW EXECUTE FUNCTION companies_permanent()`);
    await db.query(`
      CREATE TRIGGER companies_id_fixed BEFORE UPDATE OF id ON companies
        FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION companies_permanent()`);
    await db.query(`CREATE TRIGGER companies_no_truncate BEFORE TRUNCATE ON companies FOR EACH STATEMENT EXECUTE FUNCTION companies_permanent()`);
    await db.query(`
      CREATE FUNCTION company_reference_check() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM companies WHERE id = NEW.company_id) THEN
          RAISE EXCEPTION '%: no company %', TG_TABLE_NAME, NEW.company_id USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NEW;
      END
      $$`);
    for (const table of COMPANY_TABLES) {
      await db.query(`
        CREATE TRIGGER ${table}_company_exists BEFORE INSERT OR UPDATE OF company_id ON ${table}
          FOR EACH ROW EXECUTE FUNCTION company_reference_check()`);
      await db.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_company_id_fkey`);
    }
    await db.query(`DROP FUNCTION audit_append(${APPEND_SIGNATURE})`);
    await db.query(appendFunction(LOCK_HEAD, 'seq'));
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION audit_append(${APPEND_SIGNATURE})`);
    await db.query(appendFunction(LOCK_FOR_UPDATE, 'seq'));
    for (const table of COMPANY_TABLES) {
      await db.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_company_id_fkey FOREIGN KEY (company_id) REFERENCES companies (id)`);
      await db.query(`DROP TRIGGER ${table}_company_exists ON ${table}`);
    }
    await db.query(`DROP FUNCTION company_reference_check()`);
    for (const trigger of ['companies_no_delete', 'companies_id_fixed', 'companies_no_truncate']) await db.query(`DROP TRIGGER ${trigger} ON companies`);
    await db.query(`DROP FUNCTION companies_permanent()`);
  }
}
