import { Injectable } from '@nestjs/common';
import type { DeepPartial } from 'typeorm';
import { UnitOfWork } from '../../platform/database/unit-of-work.js';
import { Company } from './company.entity.js';

export type { Company };

/** The only way into the `companies` table. A company is its own tenant: every method takes its id. */
@Injectable()
export class CompaniesRepository {
  constructor(private readonly uow: UnitOfWork) {}

  findById(companyId: string): Promise<Company | null> {
    return this.uow.repository(Company).findOneBy({ id: companyId });
  }

  /** For a company the caller belongs to (so it exists). */
  getById(companyId: string): Promise<Company> {
    return this.uow.repository(Company).findOneByOrFail({ id: companyId });
  }

  /**
   * Holds the company's row until the transaction ends: serialises changes to its team and its
   * credit spenders (like a debit's UPDATE does). NO KEY UPDATE: the weakest lock that does (the key
   * never changes: migration 1764103300000).
   */
  async lock(companyId: string): Promise<void> {
    await this.uow.repository(Company).findOne({ where: { id: companyId }, lock: { mode: 'for_no_key_update' } });
  }

  create(values: DeepPartial<Company>): Company {
    return this.uow.repository(Company).create(values);
  }

  save(company: Company): Promise<Company> {
    return this.uow.repository(Company).save(company);
  }

  async updateSettings(companyId: string, changes: Partial<Pick<Company, 'apiEnabled' | 'ipAllowlist'>>): Promise<void> {
    await this.uow.repository(Company).update({ id: companyId }, changes);
  }

  /** Adds credits unless the balance would pass `ceiling`; the new balance, or null when refused. */
  async addCredits(companyId: string, credits: number, ceiling: number): Promise<number | null> {
    const result = await this.uow.manager
      .createQueryBuilder()
      .update(Company)
      .set({ creditBalance: () => 'credit_balance + :credits' })
      .where('id = :companyId AND credit_balance <= :ceiling', { companyId, credits, ceiling: ceiling - credits })
      .returning('credit_balance')
      .execute();
    const row = (result.raw as Array<{ credit_balance: number }>)[0];
    return row ? row.credit_balance : null;
  }
}
