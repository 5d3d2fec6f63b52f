import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A debit's ledger id is never below the company's newest one. `uuid_v7_now()` orders debits by the
 * database clock's fraction of a millisecond, but the embedded database's clock only has whole
 * milliseconds: two debits within one millisecond ordered by their random bits, and the newest row
 * did not always carry the balance. Once the company row is locked, `credit_debit` now takes the
 * successor of the newest id when the clock has not moved past it (the random tail plus one).
 */
export class CreditLedgerIdsRise1764103400000 implements MigrationInterface {
  name = 'CreditLedgerIdsRise1764103400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION uuid_v7_after(previous uuid) RETURNS uuid LANGUAGE sql IMMUTABLE STRICT AS $$
        SELECT encode(overlay(uuid_send(previous)
          PLACING int8send(('x' || right(replace(previous::text, '-', ''), 16))::bit(64)::bigint + 1) FROM 9 FOR 8), 'hex')::uuid
      $$`);
    await db.query(`
      CREATE OR REPLACE FUNCTION credit_debit(p_company_id uuid, p_credits integer, p_reason text, p_resource_id text, p_actor jsonb, p_api_key_id uuid)
      RETURNS TABLE (balance integer, threshold integer) LANGUAGE plpgsql AS $$
      DECLARE
        new_id uuid;
        newest uuid;
      BEGIN
        UPDATE companies SET credit_balance = credit_balance - p_credits
         WHERE id = p_company_id AND credit_balance >= p_credits
         RETURNING credit_balance, low_balance_threshold INTO balance, threshold;
        IF NOT FOUND THEN
          RETURN;
        END IF;
        new_id := uuid_v7_now();
        SELECT id INTO newest FROM credit_ledger WHERE company_id = p_company_id ORDER BY id DESC LIMIT 1;
        IF newest >= new_id THEN
          new_id := uuid_v7_after(newest);
        END IF;
        INSERT INTO credit_ledger (id, company_id, delta, balance_after, reason, resource_type, resource_id, actor, api_key_id)
          VALUES (new_id, p_company_id, -p_credits, balance, p_reason, p_reason, p_resource_id::uuid, p_actor, p_api_key_id);
        RETURN NEXT;
      END
      $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE OR REPLACE FUNCTION credit_debit(p_company_id uuid, p_credits integer, p_reason text, p_resource_id text, p_actor jsonb, p_api_key_id uuid)
      RETURNS TABLE (balance integer, threshold integer) LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE companies SET credit_balance = credit_balance - p_credits
         WHERE id = p_company_id AND credit_balance >= p_credits
         RETURNING credit_balance, low_balance_threshold INTO balance, threshold;
        IF NOT FOUND THEN
          RETURN;
        END IF;
        INSERT INTO credit_ledger (id, company_id, delta, balance_after, reason, resource_type, resource_id, actor, api_key_id)
          VALUES (uuid_v7_now(), p_company_id, -p_credits, balance, p_reason, p_reason, p_resource_id::uuid, p_actor, p_api_key_id);
        RETURN NEXT;
      END
      $$`);
    await db.query(`DROP FUNCTION uuid_v7_after(uuid)`);
  }
}
