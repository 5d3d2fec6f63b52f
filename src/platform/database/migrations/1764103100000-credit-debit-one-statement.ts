import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The credit debit in ONE round trip (issue #15): `credit_debit` takes the company row by the
 * conditional UPDATE and appends the debit's ledger row, whose id it makes only then, from the
 * database's clock: ids follow the order of the debits (a UUIDv7 whose 12 bits after the millisecond
 * hold the fraction of it, RFC 9562 §6.2 method 3) and the newest row carries the balance. One
 * statement instead of two round trips while the company row is locked. No row when the balance is
 * short: nothing changed.
 */
export class CreditDebitOneStatement1764103100000 implements MigrationInterface {
  name = 'CreditDebitOneStatement1764103100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION uuid_v7_now() RETURNS uuid LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        now_ms numeric := extract(epoch FROM clock_timestamp()) * 1000;
        whole_ms bigint := floor(now_ms);
        fraction integer := floor((now_ms - whole_ms) * 4096);
        bytes bytea := uuid_send(gen_random_uuid());
      BEGIN
        bytes := overlay(bytes PLACING substring(int8send(whole_ms) FROM 3) FROM 1 FOR 6);
        bytes := set_byte(bytes, 6, 112 | (fraction >> 8));
        bytes := set_byte(bytes, 7, fraction & 255);
        RETURN encode(bytes, 'hex')::uuid;
      END
      $$`);
    await db.query(`
      CREATE FUNCTION credit_debit(p_company_id uuid, p_credits integer, p_reason text, p_resource_id text, p_actor jsonb, p_api_key_id uuid)
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
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION credit_debit(uuid, integer, text, text, jsonb, uuid)`);
    await db.query(`DROP FUNCTION uuid_v7_now()`);
  }
}
