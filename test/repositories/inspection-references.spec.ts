import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isForeignKeyViolation } from '../../src/platform/database/pg-errors.js';
import { type RepositoryContext, startRepositoryContext } from '../support/repositories.js';
import { inRolledBackTransaction } from '../support/rolled-back.js';

/** The first error `work` throws. */
const failureOf = (work: Promise<unknown>): Promise<unknown> => work.then(() => expect.fail('expected a failure'), (error: unknown) => error);

describe("an inspection's vehicle and template (checked without locking their rows)", () => {
  let context: RepositoryContext;
  const query = <T>(sql: string, values: unknown[]): Promise<T[]> => context.uow.manager.query<T[]>(sql, values);
  beforeAll(async () => {
    context = await startRepositoryContext();
  });
  afterAll(() => context.close());

  const newTemplate = async (companyId: string): Promise<string> => {
    const id = randomUUID();
    await query(`INSERT INTO inspection_templates (id, company_id, key, name, items) VALUES ($1, $2, $3, 'Check-out', '[]')`, [id, companyId, `t-${id.slice(0, 8)}`]);
    return id;
  };
  /** A new inspection's id. */
  const newInspection = async (companyId: string, vehicleId: string, templateId: string): Promise<string> => {
    const [{ id }] = await query<{ id: string }>(
      `INSERT INTO inspections (id, company_id, vehicle_id, template_id, status, items, damages, created_by)
       VALUES ($1, $2, $3, $4, 'draft', '[]', '[]', '{"type":"user"}') RETURNING id`,
      [randomUUID(), companyId, vehicleId, templateId],
    );
    return id;
  };
  /** Whether the open transaction has locked the row (its xmax is this transaction's id). */
  const lockedHere = async (table: 'vehicles' | 'inspection_templates', id: string): Promise<boolean> =>
    (await query<{ locked: boolean }>(`SELECT xmax = pg_current_xact_id()::xid AS locked FROM ${table} WHERE id = $1`, [id]))[0].locked;

  it('leaves the vehicle and template rows unlocked, so concurrent inspections of one vehicle never share a lock on it', async () => {
    const companyId = await context.newCompany();
    const vehicleId = await context.newVehicle(companyId);
    const templateId = await newTemplate(companyId);
    await context.uow.run(async () => {
      await newInspection(companyId, vehicleId, templateId);
      expect(await lockedHere('vehicles', vehicleId)).toBe(false);
      expect(await lockedHere('inspection_templates', templateId)).toBe(false);
      // the check sees a lock when there is one: a foreign key's
      await query('SELECT 1 FROM vehicles WHERE id = $1 FOR KEY SHARE', [vehicleId]);
      expect(await lockedHere('vehicles', vehicleId)).toBe(true);
    });
    expect(await query('SELECT count(*)::int AS count FROM inspections WHERE vehicle_id = $1', [vehicleId])).toEqual([{ count: 1 }]);
  });

  it("refuses another company's vehicle, an unknown one and an unknown template, with the foreign keys' SQLSTATE and names", async () => {
    const companyId = await context.newCompany();
    const vehicleId = await context.newVehicle(companyId);
    const templateId = await newTemplate(companyId);
    const otherCompanyId = await context.newCompany();
    const vehicleOfCompany = 'inspections_company_vehicle_fkey';
    expect(isForeignKeyViolation(await failureOf(newInspection(otherCompanyId, vehicleId, templateId)), vehicleOfCompany)).toBe(true);
    expect(isForeignKeyViolation(await failureOf(newInspection(companyId, randomUUID(), templateId)), vehicleOfCompany)).toBe(true);
    expect(isForeignKeyViolation(await failureOf(newInspection(companyId, vehicleId, randomUUID())), 'inspections_template_id_fkey')).toBe(true);
    const inspectionId = await newInspection(companyId, vehicleId, templateId);
    const moved = query('UPDATE inspections SET vehicle_id = $1 WHERE id = $2', [await context.newVehicle(otherCompanyId), inspectionId]);
    expect(isForeignKeyViolation(await failureOf(moved), vehicleOfCompany)).toBe(true);
    expect(await query('SELECT count(*)::int AS count FROM inspections WHERE company_id = $1', [otherCompanyId])).toEqual([{ count: 0 }]);
  });

  it("keeps every vehicle: DELETE, TRUNCATE and a change of id or company are refused; archiving and edits are not", async () => {
    const companyId = await context.newCompany();
    const vehicleId = await context.newVehicle(companyId);
    const otherCompanyId = await context.newCompany();
    await expect(query('DELETE FROM vehicles WHERE id = $1', [vehicleId])).rejects.toThrow(/vehicles: DELETE refused/);
    await expect(query('UPDATE vehicles SET id = $1 WHERE id = $2', [randomUUID(), vehicleId])).rejects.toThrow(/vehicles: UPDATE refused/);
    await expect(query('UPDATE vehicles SET company_id = $1 WHERE id = $2', [otherCompanyId, vehicleId])).rejects.toThrow(/vehicles: UPDATE refused/);
    await inRolledBackTransaction(context.uow.manager.connection, (runner) =>
      expect(runner.query('TRUNCATE vehicles CASCADE')).rejects.toThrow(/vehicles: TRUNCATE refused/));
    await query(`UPDATE vehicles SET nickname = 'Blue Transit', archived_at = now() WHERE id = $1`, [vehicleId]);
    expect(await query('SELECT company_id, nickname, archived_at IS NOT NULL AS archived FROM vehicles WHERE id = $1', [vehicleId])).toEqual([
      { company_id: companyId, nickname: 'Blue Transit', archived: true },
    ]);
  });
});
