import { Injectable } from '@nestjs/common';
import { In, type SelectQueryBuilder } from 'typeorm';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { UnitOfWork } from '../../platform/database/unit-of-work.js';
import { User } from './user.entity.js';

export type { User };

/**
 * The only way into the `users` table. A company's users are its members: a removed user keeps its
 * row (keys and audit events still name it) but is found by no lookup here, as if it did not exist.
 */
@Injectable()
export class UsersRepository extends TenantRepository<User> {
  constructor(uow: UnitOfWork) {
    super(uow, User, 'User', 'user');
  }

  countOwners(companyId: string): Promise<number> {
    return this.forCompany(companyId).andWhere("user.role = 'owner'").getCount();
  }

  async markRemoved(companyId: string, userId: string): Promise<void> {
    await this.rows.update({ id: userId, companyId }, { removedAt: new Date() });
  }

  /** The company's users with these ids, removed ones included (a key or a token still names its creator). */
  findIncludingRemoved(companyId: string, ids: string[]): Promise<User[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.rows.findBy({ companyId, id: In(ids) });
  }

  /** The member signing in with this e-mail (any company; e-mails are unique among members), with its password hash. */
  findByEmailWithPassword(email: string): Promise<User | null> {
    return this.rows
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('lower(user.email) = :email AND user.removedAt IS NULL', { email })
      .getOne();
  }

  protected override forCompany(companyId: string): SelectQueryBuilder<User> {
    return super.forCompany(companyId).andWhere('user.removedAt IS NULL');
  }
}
