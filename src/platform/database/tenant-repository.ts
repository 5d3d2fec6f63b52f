import type { EntityTarget, FindOptionsWhere, ObjectLiteral } from 'typeorm';
import { DomainError } from '../http/domain-error.js';
import type { UnitOfWork } from './unit-of-work.js';

interface TenantRow extends ObjectLiteral {
  id: string;
  companyId: string;
}

/**
 * The base of every repository of tenant data: each lookup takes the company first, so a record of
 * another company is indistinguishable from one that does not exist (the contract's plain 404).
 * Queries run in the open transaction, if any (UnitOfWork).
 */
export abstract class TenantRepository<T extends TenantRow> {
  protected constructor(
    protected readonly uow: UnitOfWork,
    private readonly entity: EntityTarget<T>,
    /** How a missing record is named in the 404's detail, e.g. "Vehicle". */
    private readonly label: string,
  ) {}

  findForCompany(companyId: string, id: string): Promise<T | null> {
    return this.uow.repository(this.entity).findOneBy(this.owned(companyId, id));
  }

  /** The record, or 404 `not_found`. `lock` holds its row until the transaction ends. */
  async getForCompany(companyId: string, id: string, options: { lock?: boolean } = {}): Promise<T> {
    const record = await this.uow.repository(this.entity).findOne({
      where: this.owned(companyId, id),
      ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!record) throw DomainError.notFound(this.label);
    return record;
  }

  /** 404 `not_found` unless the company has this record. */
  async requireForCompany(companyId: string, id: string): Promise<void> {
    if (!(await this.uow.repository(this.entity).existsBy(this.owned(companyId, id)))) throw DomainError.notFound(this.label);
  }

  private owned(companyId: string, id: string): FindOptionsWhere<T> {
    return { companyId, id } as FindOptionsWhere<T>;
  }
}
