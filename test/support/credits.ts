import { expect } from 'vitest';
import { newId } from '../../src/platform/database/uuid-entity.js';
import type { TestApp } from './test-app.js';

/** The company's balance as stored, and the sum of its ledger deltas; they must always agree. */
export async function ledgerState(app: TestApp, companyId: string): Promise<{ balance: number; ledgerSum: number; lastBalanceAfter: number | null }> {
  const [row] = await app.dataSource.query<Array<{ balance: number; ledgerSum: number; lastBalanceAfter: number | null }>>(
    `SELECT c.credit_balance AS balance,
            (SELECT coalesce(sum(delta), 0)::int FROM credit_ledger WHERE company_id = c.id) AS "ledgerSum",
            (SELECT balance_after FROM credit_ledger WHERE company_id = c.id ORDER BY id DESC LIMIT 1) AS "lastBalanceAfter"
     FROM companies c WHERE c.id = $1`,
    [companyId],
  );
  return row;
}

/** Asserts the ledger of the company sums to its balance (and its newest row agrees); returns the balance. */
export async function expectLedgerConsistent(app: TestApp, companyId: string): Promise<number> {
  const state = await ledgerState(app, companyId);
  expect(state.ledgerSum).toBe(state.balance);
  expect(state.lastBalanceAfter ?? 0).toBe(state.balance);
  return state.balance;
}

/** Test setup: sets a company's balance to exactly `balance`, with the ledger row that keeps the sum right. */
export async function setBalance(app: TestApp, companyId: string, balance: number): Promise<void> {
  await app.dataSource.transaction(async (manager) => {
    const [{ credit_balance: current }] = await manager.query<Array<{ credit_balance: number }>>(
      'SELECT credit_balance FROM companies WHERE id = $1 FOR UPDATE',
      [companyId],
    );
    const delta = balance - current;
    if (delta === 0) return;
    await manager.query('UPDATE companies SET credit_balance = $2 WHERE id = $1', [companyId, balance]);
    await manager.query(
      `INSERT INTO credit_ledger (id, company_id, delta, balance_after, reason, actor)
       VALUES ($5, $1, $2, $3, $4, '{"type":"system","id":null,"name":"test"}')`,
      [companyId, delta, balance, delta > 0 ? 'top_up' : 'inspection', newId()],
    );
  });
}

/** Outbox events of one type for one company. */
export async function outboxEvents(app: TestApp, companyId: string, type: string): Promise<Array<{ data: Record<string, unknown> }>> {
  return app.dataSource.query<Array<{ data: Record<string, unknown> }>>(
    'SELECT data FROM outbox_events WHERE company_id = $1 AND type = $2 ORDER BY id',
    [companyId, type],
  );
}

/** GETs a binary response (e.g. a PDF) as a Buffer in `body`. */
export function getBinary(app: TestApp, path: string, auth: { Authorization: string }) {
  return app
    .http()
    .get(path)
    .set(auth)
    .buffer(true)
    .parse((response, callback) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => callback(null, Buffer.concat(chunks)));
    });
}

/** The text of every page of a PDF, extracted with pdf.js. */
export async function pdfText(pdf: Buffer): Promise<string> {
  const { getDocument, VerbosityLevel } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const document = await getDocument({ data: new Uint8Array(pdf), verbosity: VerbosityLevel.ERRORS }).promise;
  const pages: string[] = [];
  for (let number = 1; number <= document.numPages; number++) {
    const content = await (await document.getPage(number)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  await document.destroy();
  return pages.join('\n');
}

/** Balance as the API reports it. */
export async function balanceOf(app: TestApp, auth: { Authorization: string }): Promise<number> {
  const response = await app.http().get('/v1/credits').set(auth).expect(200);
  return (response.body as { balance: number }).balance;
}
