import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import { RefreshToken } from '../sessions/refresh-token.entity.js';
import type { Principal } from '../principal.js';
import { DomainError } from '../../platform/http/domain-error.js';
import { invalid } from '../../platform/http/validation.pipe.js';
import { normaliseAllowlist } from '../../platform/net/ip-allowlist.js';
import { mapPage, paginate } from '../../platform/http/pagination/keyset.js';
import type { Page } from '../../platform/http/pagination/page-query.dto.js';
import { UnitOfWork } from '../../platform/database/unit-of-work.js';
import { ALL_SCOPES, expandScopes, PRESETS, ROLE_SCOPES, type Scope } from '../scopes/scope-catalogue.js';
import { Outbox } from '../../platform/operations/ports.js';
import { ApiKey } from './api-key.entity.js';
import { formatApiKey, newPublicId, newSecret } from './api-key-format.js';
import { ApiKeyHasher } from './api-key-hasher.js';
import {
  ApiKeyResponse,
  ApiKeyWithSecretResponse,
  type CreateApiKeyRequest,
  type ListApiKeysQuery,
} from './dto/api-key.dto.js';

/** Secrets older than the previous one, kept so they answer `api_key_revoked`; bounded. */
const MAX_RETIRED_SECRETS = 20;

/** Issuing, listing, revoking and rotating a company's API keys. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly hasher: ApiKeyHasher,
    private readonly outbox: Outbox,
  ) {}

  async create(principal: Principal, request: CreateApiKeyRequest): Promise<ApiKeyWithSecretResponse> {
    const scopes = this.requestedScopes(principal, request);
    const expiresAt = request.expiresAt ? new Date(request.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw invalid([{ field: 'expiresAt', message: 'must be in the future' }]);
    const publicId = newPublicId();
    const secret = newSecret(publicId);
    const keys = this.uow.repository(ApiKey);
    const key = await keys.save(
      keys.create({
        companyId: principal.companyId,
        publicId,
        name: request.name,
        description: request.description ?? null,
        secretHash: this.hasher.hash(secret),
        scopes,
        expiresAt,
        ipAllowlist: normaliseAllowlist(request.ipAllowlist ?? [], 'ipAllowlist'),
        dailyCreditLimit: request.dailyCreditLimit ?? null,
        createdBy: principal.userId,
      }),
    );
    return ApiKeyWithSecretResponse.withSecret(key, formatApiKey(publicId, secret));
  }

  async list(principal: Principal, query: ListApiKeysQuery): Promise<Page<ApiKeyResponse>> {
    const builder = this.uow.repository(ApiKey).createQueryBuilder('key').where('key.companyId = :companyId', { companyId: principal.companyId });
    if (!query.includeRevoked) builder.andWhere('key.revokedAt IS NULL');
    return mapPage(await paginate(builder, query), ApiKeyResponse.of);
  }

  async get(principal: Principal, publicId: string): Promise<ApiKeyResponse> {
    const key = await this.uow.repository(ApiKey).findOne({ where: { companyId: principal.companyId, publicId } });
    if (!key) throw DomainError.notFound('API key');
    return ApiKeyResponse.of(key);
  }

  /** Immediate and permanent; revoking a revoked key answers the key again without a second event. */
  revoke(principal: Principal, publicId: string): Promise<ApiKeyResponse> {
    return this.uow.run(async (manager) => {
      const key = await this.locked(manager, principal.companyId, publicId);
      if (key.revokedAt) return ApiKeyResponse.of(key);
      key.revokedAt = new Date();
      await manager.save(key);
      const response = ApiKeyResponse.of(key);
      await this.outbox.record(principal.companyId, 'api_key.revoked', { ...response });
      return response;
    });
  }

  /**
   * New secret, same publicId, scopes and settings. Without grace the old secret (and key tokens
   * exchanged for it) fail at once; with grace they work until then. Refresh tokens of the key are
   * revoked either way: a rotation is often a response to a leak.
   */
  rotate(principal: Principal, publicId: string, gracePeriodSeconds = 0): Promise<ApiKeyWithSecretResponse> {
    return this.uow.run(async (manager) => {
      const key = await this.locked(manager, principal.companyId, publicId);
      if (key.revokedAt) throw new DomainError('conflict', 'A revoked key cannot be rotated.');
      const secret = newSecret(key.publicId);
      const now = new Date();
      if (key.previousSecretHash) key.retiredSecretHashes = [...key.retiredSecretHashes, key.previousSecretHash].slice(-MAX_RETIRED_SECRETS);
      key.previousSecretHash = key.secretHash;
      key.previousSecretValidUntil = gracePeriodSeconds > 0 ? new Date(now.getTime() + gracePeriodSeconds * 1000) : null;
      key.secretHash = this.hasher.hash(secret);
      key.generation += 1;
      key.rotatedAt = now;
      await manager.save(key);
      await manager.update(RefreshToken, { apiKeyPublicId: key.publicId, revokedAt: IsNull() }, { revokedAt: now });
      return ApiKeyWithSecretResponse.withSecret(key, formatApiKey(key.publicId, secret));
    });
  }

  private async locked(manager: EntityManager, companyId: string, publicId: string): Promise<ApiKey> {
    const key = await manager.findOne(ApiKey, { where: { companyId, publicId }, lock: { mode: 'pessimistic_write' } });
    if (!key) throw DomainError.notFound('API key');
    return key;
  }

  /** Explicit scopes plus the preset's, in catalogue order; every one must be within the creator's role. */
  private requestedScopes(principal: Principal, request: CreateApiKeyRequest): Scope[] {
    const wanted = new Set<Scope>([...(request.scopes ?? []), ...(request.preset ? PRESETS[request.preset] : [])]);
    if (wanted.size === 0) throw invalid([{ field: 'scopes', message: 'at least one scope (or a preset) is required' }]);
    const allowed = ROLE_SCOPES[principal.role];
    const beyondRole = [...expandScopes(wanted)].filter((scope) => !allowed.has(scope));
    if (beyondRole.length > 0) {
      throw new DomainError('role_forbidden', `Your role (${principal.role}) cannot grant ${beyondRole.join(', ')}.`, { forbiddenScopes: beyondRole });
    }
    return ALL_SCOPES.filter((scope) => wanted.has(scope));
  }
}
