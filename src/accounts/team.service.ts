import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import { paginate, mapPage } from '../platform/http/pagination/keyset.js';
import type { Page, PageQuery } from '../platform/http/pagination/page-query.dto.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { isUniqueViolation } from '../platform/database/pg-errors.js';
import { Company } from '../identity/directory/company.entity.js';
import { UserResponse } from '../identity/directory/dto/directory.dto.js';
import type { CreateUserRequest, UpdateUserRequest } from './dto/account.dto.js';
import { PasswordHasher } from '../identity/directory/password-hasher.js';
import { RefreshTokenService } from '../identity/sessions/refresh-token.service.js';
import { User } from '../identity/directory/user.entity.js';
import { ApiKeysService } from '../identity/api-keys/api-keys.service.js';
import { CurrentOperation } from '../platform/operations/current-operation.js';
import type { Changes } from '../platform/operations/operation.js';

/** The company's users. Changes that could remove the last owner lock the company row first. */
@Injectable()
export class TeamService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly passwords: PasswordHasher,
    private readonly refreshTokens: RefreshTokenService,
    private readonly apiKeys: ApiKeysService,
    private readonly operation: CurrentOperation,
  ) {}

  async list(principal: Principal, page: PageQuery): Promise<Page<UserResponse>> {
    const query = this.uow
      .repository(User)
      .createQueryBuilder('user')
      .where('user.companyId = :companyId AND user.removedAt IS NULL', { companyId: principal.companyId });
    return mapPage(await paginate(query, page), UserResponse.of);
  }

  async create(principal: Principal, request: CreateUserRequest): Promise<UserResponse> {
    const passwordHash = await this.passwords.hash(request.password);
    try {
      return await this.uow.run(async (manager) => {
        const user = manager.create(User, { ...request, passwordHash, companyId: principal.companyId });
        await manager.save(user);
        return UserResponse.of(user);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_active_unique')) throw new DomainError('conflict', 'A user with this e-mail already exists.');
      throw error;
    }
  }

  update(principal: Principal, userId: string, request: UpdateUserRequest): Promise<UserResponse> {
    return this.uow.run(async (manager) => {
      const user = await this.lockedMember(manager, principal.companyId, userId);
      if (request.role && request.role !== 'owner' && user.role === 'owner') await this.keepAnOwner(manager, principal.companyId);
      const changes: Changes = {};
      for (const field of ['name', 'role'] as const) {
        if (request[field] !== undefined && request[field] !== user[field]) changes[field] = { from: user[field], to: request[field] };
      }
      Object.assign(user, request);
      await manager.save(user);
      this.operation.describe({ changes: Object.keys(changes).length > 0 ? changes : null });
      return UserResponse.of(user);
    });
  }

  async remove(principal: Principal, userId: string): Promise<void> {
    await this.uow.run(async (manager) => {
      const user = await this.lockedMember(manager, principal.companyId, userId);
      if (user.role === 'owner') await this.keepAnOwner(manager, principal.companyId);
      await manager.update(User, { id: user.id }, { removedAt: new Date() });
      await this.refreshTokens.revokeAllForUser(user.id);
      await this.apiKeys.revokeAllOfCreator(principal, user.id);
    });
  }

  private async lockedMember(manager: EntityManager, companyId: string, userId: string): Promise<User> {
    // NO KEY UPDATE: serialises owner changes without blocking other writes' foreign-key checks
    await manager.findOne(Company, { where: { id: companyId }, lock: { mode: 'for_no_key_update' } });
    const user = await manager.findOne(User, { where: { id: userId, companyId } });
    if (!user || user.removedAt) throw DomainError.notFound('User');
    return user;
  }

  private async keepAnOwner(manager: EntityManager, companyId: string): Promise<void> {
    const owners = await manager
      .getRepository(User)
      .createQueryBuilder('user')
      .where("user.companyId = :companyId AND user.role = 'owner' AND user.removedAt IS NULL", { companyId })
      .getCount();
    if (owners <= 1) throw new DomainError('conflict', 'A company must keep at least one owner.');
  }
}
