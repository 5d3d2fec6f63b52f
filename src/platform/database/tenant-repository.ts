import type { DeepPartial, EntityTarget, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import { DomainError } from '../http/domain-error.js';
import { paginate } from '../http/pagination/keyset.js';
import type { Page, PageQuery } from '../http/pagination/page-query.dto.js';
import type { UnitOfWork } from './unit-of-work.js';

interface TenantRow extends ObjectLiteral {
  id: string;
  companyId: string;
}

interface FindOptions<T> {
  lock?: boolean;
  hidden?: (keyof T & string)[];
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
    /** The query builder alias of the company's rows (`forCompany`). */
    private readonly alias: string,
    /** The property a path names a record by: its `id`, or e.g. an API key's `publicId`. */
    private readonly idProperty: keyof T & string = 'id',
  ) {}

  /**
   * The record, or null. `lock` holds its row until the transaction ends; `hidden` adds columns not
   * selected by default (`select: false`, e.g. sealed secrets).
   */
  findForCompany(companyId: string, id: string, options: FindOptions<T> = {}): Promise<T | null> {
    const query = this.forCompany(companyId).andWhere(`${this.alias}.${this.idProperty} = :id`, { id });
    if (options.lock) query.setLock('pessimistic_write');
    if (options.hidden) query.addSelect(options.hidden.map((column) => `${this.alias}.${column}`));
    return query.getOne();
  }

  /** The record (as `findForCompany`), or 404 `not_found`. */
  async getForCompany(companyId: string, id: string, options: FindOptions<T> = {}): Promise<T> {
    const record = await this.findForCompany(companyId, id, options);
    if (!record) throw DomainError.notFound(this.label);
    return record;
  }

  /** 404 `not_found` unless the company has this record. */
  async requireForCompany(companyId: string, id: string): Promise<void> {
    if (!(await this.forCompany(companyId).andWhere(`${this.alias}.${this.idProperty} = :id`, { id }).getExists())) throw DomainError.notFound(this.label);
  }

  /** A new, unsaved record. */
  create(values: DeepPartial<T>): T {
    return this.rows.create(values);
  }

  save(record: T): Promise<T> {
    return this.rows.save(record);
  }

  /** A page of the company's records, newest first (repositories with filters narrow it). */
  listForCompany(companyId: string, page: PageQuery): Promise<Page<T>> {
    return this.pageForCompany(companyId, page);
  }

  /** A page of the company's records, newest first, narrowed by `filter`. */
  protected pageForCompany(companyId: string, page: PageQuery, filter: (query: SelectQueryBuilder<T>) => void = () => undefined): Promise<Page<T>> {
    const query = this.forCompany(companyId);
    filter(query);
    return paginate(query, page);
  }

  /** The company's rows, as a query to narrow (alias as given to the constructor). */
  protected forCompany(companyId: string): SelectQueryBuilder<T> {
    return this.rows.createQueryBuilder(this.alias).where(`${this.alias}.companyId = :companyId`, { companyId });
  }

  protected get rows(): Repository<T> {
    return this.uow.repository(this.entity);
  }
}
