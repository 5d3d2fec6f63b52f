import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  CREDIT_DEBIT_FUNCTION,
  CREDIT_DEBIT_PENDING_FUNCTION,
  CREDIT_PENDING_TABLE,
  CREDIT_PENDING_TRIGGER,
  DEBIT_COMPANY_ROW,
  DEBIT_LEDGER_ROW,
} from './1764103100000-credit-debit-at-commit.js';

/**
 * The staged credit debit is a statement sent with the COMMIT, not a row for a deferred trigger (issue #15).
 *
 * A paid write staged its debit as a `credit_pending` row, and a deferred constraint trigger called
 * `credit_debit` for it while the COMMIT ran, then deleted the row: an insert, a trigger, a set-returning
 * call and a delete around the one UPDATE and ledger row that matter. A CPU profile of PostgreSQL under
 * `POST /v1/inspections` (one company, 32 connections) put 30 % of the database's CPU in the deferred
 * triggers. The service now sends `SELECT credit_debit(…, true)` as the last statement before the
 * COMMIT, in the COMMIT's round trip (`DeferredTransaction`), so the company row is still locked only
 * from there to the end of the COMMIT, and a refusal still fails the COMMIT:
 * - `credit_debit(…, p_refuse)` returns one row (OUT balance, threshold), no longer a set. When the
 *   balance is short it changes nothing and returns NULLs, or with `p_refuse` raises FG402. With
 *   `p_refuse` a debit that would cross the company's low-balance threshold raises FG201, so nothing of
 *   the write stays: its `credits.low` event must commit with it, and the service runs that write again
 *   with the debit taken at once (`p_refuse` false), the rare case.
 * - `credit_pending`, its trigger and its function are dropped.
 */
export class CreditDebitStagedStatement1764103600000 implements MigrationInterface {
  name = 'CreditDebitStagedStatement1764103600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE credit_pending`);
    await db.query(`DROP FUNCTION credit_debit_pending()`);
    await db.query(`DROP FUNCTION credit_debit(uuid, integer, text, text, jsonb, uuid)`);
    await db.query(`
      CREATE FUNCTION credit_debit(p_company_id uuid, p_credits integer, p_reason text, p_resource_id text, p_actor jsonb,
        p_api_key_id uuid, p_refuse boolean, OUT balance integer, OUT threshold integer) LANGUAGE plpgsql AS $$
      DECLARE
        new_id uuid;
        newest uuid;
      BEGIN
        ${DEBIT_COMPANY_ROW}
        IF NOT FOUND THEN
          IF p_refuse THEN
            RAISE EXCEPTION 'credit_debit: the balance is short of % credits', p_credits USING ERRCODE = 'FG402';
          END IF;
          RETURN;
        END IF;
        IF p_refuse AND balance < threshold AND balance + p_credits >= threshold THEN
          RAISE EXCEPTION 'credit_debit: the debit crosses the low-balance threshold' USING ERRCODE = 'FG201';
        END IF;
        ${DEBIT_LEDGER_ROW}
      END
      $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION credit_debit(uuid, integer, text, text, jsonb, uuid, boolean)`);
    await db.query(CREDIT_DEBIT_FUNCTION);
    await db.query(CREDIT_PENDING_TABLE);
    await db.query(CREDIT_DEBIT_PENDING_FUNCTION);
    await db.query(CREDIT_PENDING_TRIGGER);
  }
}
