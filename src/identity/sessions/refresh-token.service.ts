import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../platform/config/app-config.js';
import { DomainError } from '../../platform/http/domain-error.js';
import { UnitOfWork } from '../../platform/database/unit-of-work.js';
import { newId } from '../../platform/database/uuid-entity.js';
import type { CallInfo } from '../../platform/operations/operation.js';
import { ApiKeysRepository } from '../api-keys/api-keys.repository.js';
import { UsersRepository } from '../directory/users.repository.js';
import type { RefreshToken } from './refresh-token.entity.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';
import { SignInAudit } from './sign-in-audit.js';

export type RefreshSubject = { companyId: string } & (
  | { userId: string; apiKeyPublicId?: undefined; apiKeyGeneration?: undefined }
  | { apiKeyPublicId: string; apiKeyGeneration: number; userId?: undefined }
);

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Opaque, rotating refresh tokens. Each use spends the token and issues its successor in the same
 * family; presenting a spent token means it leaked, so the whole family is revoked.
 */
@Injectable()
export class RefreshTokenService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly tokens: RefreshTokensRepository,
    private readonly users: UsersRepository,
    private readonly keys: ApiKeysRepository,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly signIns: SignInAudit,
  ) {}

  async issue(subject: RefreshSubject, familyId = newId()): Promise<string> {
    const token = `rt_${randomBytes(32).toString('base64url')}`;
    await this.tokens.add({
      familyId,
      tokenHash: hashToken(token),
      companyId: subject.companyId,
      userId: subject.userId ?? null,
      apiKeyPublicId: subject.apiKeyPublicId ?? null,
      apiKeyGeneration: subject.apiKeyGeneration ?? null,
      expiresAt: new Date(Date.now() + this.config.REFRESH_TOKEN_TTL_SECONDS * 1000),
    });
    return token;
  }

  /** Spends `token` and returns its subject with the successor token. */
  async rotate(token: string, call: CallInfo): Promise<{ subject: RefreshSubject; refreshToken: string }> {
    const outcome = await this.uow.run(async () => {
      const row = await this.tokens.findByHash(hashToken(token), { lock: true });
      if (!row || row.expiresAt <= new Date()) return { kind: 'invalid' as const };
      if (row.spentAt || row.revokedAt) {
        await this.tokens.revokeAll(row.companyId, { familyId: row.familyId });
        await this.recordReuse(row, call);
        return { kind: 'reused' as const };
      }
      await this.tokens.markSpent(row.companyId, row.id);
      const subject: RefreshSubject = row.userId
        ? { companyId: row.companyId, userId: row.userId }
        : { companyId: row.companyId, apiKeyPublicId: row.apiKeyPublicId!, apiKeyGeneration: row.apiKeyGeneration ?? 0 };
      return { kind: 'rotated' as const, subject, refreshToken: await this.issue(subject, row.familyId) };
    });
    // Thrown only after the transaction above committed, so a reuse's family revocation sticks.
    if (outcome.kind !== 'rotated') {
      throw new DomainError('invalid_credentials', 'The refresh token is invalid, expired or already used.');
    }
    return outcome;
  }

  /** Log-out: revokes the token's whole family. An unknown token is no error (nothing to revoke). */
  async revokeFamily(token: string): Promise<void> {
    const row = await this.tokens.findByHash(hashToken(token));
    if (row) await this.tokens.revokeAll(row.companyId, { familyId: row.familyId });
  }

  /** `auth.refresh_reuse_detected` in the family's company, attributed to the user or key the family belongs to. */
  private async recordReuse(row: RefreshToken, call: CallInfo): Promise<void> {
    if (row.userId) {
      const [user] = await this.users.findIncludingRemoved(row.companyId, [row.userId]);
      if (user) await this.signIns.record('auth.refresh_reuse_detected', { type: 'user', companyId: user.companyId, userId: user.id, name: user.name }, call, 401, row.familyId);
      return;
    }
    const key = await this.keys.findForCompany(row.companyId, row.apiKeyPublicId!);
    if (!key) return;
    const actor = { type: 'api_key' as const, companyId: key.companyId, userId: key.createdBy, name: key.name, apiKeyId: key.id, publicId: key.publicId };
    await this.signIns.record('auth.refresh_reuse_detected', actor, call, 401, row.familyId);
  }
}
