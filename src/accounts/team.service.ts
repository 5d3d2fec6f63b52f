import { Injectable } from '@nestjs/common';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import { mapPage } from '../platform/http/pagination/keyset.js';
import type { Page, PageQuery } from '../platform/http/pagination/page-query.dto.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { isUniqueViolation } from '../platform/database/pg-errors.js';
import { CompaniesRepository } from '../identity/directory/companies.repository.js';
import { UserResponse } from '../identity/directory/dto/directory.dto.js';
import type { CreateUserRequest, UpdateUserRequest } from './dto/account.dto.js';
import { PasswordHasher } from '../identity/directory/password-hasher.js';
import { RefreshTokensRepository } from '../identity/sessions/refresh-tokens.repository.js';
import { type User, UsersRepository } from '../identity/directory/users.repository.js';
import { ApiKeysService } from '../identity/api-keys/api-keys.service.js';
import { CurrentOperation } from '../platform/operations/current-operation.js';
import type { Changes } from '../platform/operations/operation.js';

/** The company's users. Changes that could remove the last owner lock the company row first. */
@Injectable()
export class TeamService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UsersRepository,
    private readonly companies: CompaniesRepository,
    private readonly passwords: PasswordHasher,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly apiKeys: ApiKeysService,
    private readonly operation: CurrentOperation,
  ) {}

  async list(principal: Principal, page: PageQuery): Promise<Page<UserResponse>> {
    return mapPage(await this.users.listForCompany(principal.companyId, page), UserResponse.of);
  }

  /** scrypt runs before the first query, so outside the write's transaction. */
  async create(principal: Principal, request: CreateUserRequest): Promise<UserResponse> {
    const passwordHash = await this.passwords.hash(request.password);
    try {
      return UserResponse.of(await this.users.save(this.users.create({ ...request, passwordHash, companyId: principal.companyId })));
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_active_unique')) throw new DomainError('conflict', 'A user with this e-mail already exists.');
      throw error;
    }
  }

  update(principal: Principal, userId: string, request: UpdateUserRequest): Promise<UserResponse> {
    return this.uow.run(async () => {
      const user = await this.lockedMember(principal.companyId, userId);
      if (request.role && request.role !== 'owner' && user.role === 'owner') await this.keepAnOwner(principal.companyId);
      const changes: Changes = {};
      for (const field of ['name', 'role'] as const) {
        if (request[field] !== undefined && request[field] !== user[field]) changes[field] = { from: user[field], to: request[field] };
      }
      Object.assign(user, request);
      await this.users.save(user);
      this.operation.describe({ changes: Object.keys(changes).length > 0 ? changes : null });
      return UserResponse.of(user);
    });
  }

  async remove(principal: Principal, userId: string): Promise<void> {
    await this.uow.run(async () => {
      const user = await this.lockedMember(principal.companyId, userId);
      if (user.role === 'owner') await this.keepAnOwner(principal.companyId);
      await this.users.markRemoved(principal.companyId, user.id);
      await this.refreshTokens.revokeAll(principal.companyId, { userId: user.id });
      await this.apiKeys.revokeAllOfCreator(principal, user.id);
    });
  }

  /** The company row first (NO KEY UPDATE: serialises owner changes without blocking foreign-key checks), then the member. */
  private async lockedMember(companyId: string, userId: string): Promise<User> {
    await this.companies.lock(companyId);
    return this.users.getForCompany(companyId, userId);
  }

  private async keepAnOwner(companyId: string): Promise<void> {
    if ((await this.users.countOwners(companyId)) <= 1) throw new DomainError('conflict', 'A company must keep at least one owner.');
  }
}
