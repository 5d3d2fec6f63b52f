import { Injectable } from '@nestjs/common';
import { type DeepPartial, IsNull } from 'typeorm';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { UnitOfWork } from '../../platform/database/unit-of-work.js';
import { RefreshToken } from './refresh-token.entity.js';

/** Who a family of tokens belongs to: one sign-in's family, a user, or an API key. */
export type RefreshTokenHolder = { familyId: string } | { userId: string } | { apiKeyPublicId: string };

/** The only way into the `refresh_tokens` table. */
@Injectable()
export class RefreshTokensRepository extends TenantRepository<RefreshToken> {
  constructor(uow: UnitOfWork) {
    super(uow, RefreshToken, 'Refresh token', 'token');
  }

  /** Stores a new token (a plain INSERT: a token is never updated in place of another). */
  async add(values: DeepPartial<RefreshToken>): Promise<void> {
    await this.rows.insert(this.create(values));
  }

  /**
   * The token with this hash, of whichever company: the caller presents nothing but the token, which
   * names its company. `lock` holds it until the transaction ends (one rotation at a time).
   */
  findByHash(tokenHash: string, options: { lock?: boolean } = {}): Promise<RefreshToken | null> {
    return this.rows.findOne({ where: { tokenHash }, ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  }

  async markSpent(companyId: string, id: string): Promise<void> {
    await this.rows.update({ id, companyId }, { spentAt: new Date() });
  }

  /** Revokes every token of the holder that is not revoked yet. */
  async revokeAll(companyId: string, holder: RefreshTokenHolder): Promise<void> {
    await this.rows.update({ ...holder, companyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }
}
