import { Injectable } from '@nestjs/common';
import { RefreshTokensRepository } from '../sessions/refresh-tokens.repository.js';
import { UsersRepository } from '../directory/users.repository.js';
import type { Principal } from '../principal.js';
import { DomainError } from '../../platform/http/domain-error.js';
import { invalid } from '../../platform/http/validation.pipe.js';
import { normaliseAllowlist } from '../../platform/net/ip-allowlist.js';
import { Page } from '../../platform/http/pagination/page-query.dto.js';
import { UnitOfWork } from '../../platform/database/unit-of-work.js';
import { CurrentOperation } from '../../platform/operations/current-operation.js';
import { type Changes, OperationContext } from '../../platform/operations/operation.js';
import { AuditSink, Outbox } from '../../platform/operations/ports.js';
import { ALL_SCOPES, expandScopes, PRESETS, ROLE_SCOPES, type Scope } from '../scopes/scope-catalogue.js';
import type { RevokedReason } from './api-key.entity.js';
import { type ApiKey, ApiKeysRepository } from './api-keys.repository.js';
import { formatApiKey, newPublicId, newSecret } from './api-key-format.js';
import { ApiKeyHasher } from './api-key-hasher.js';
import {
  type ApiKeyCreator,
  ApiKeyResponse,
  ApiKeyWithSecretResponse,
  type CreateApiKeyRequest,
  type ListApiKeysQuery,
  type UpdateApiKeyRequest,
} from './dto/api-key.dto.js';

/** Secrets older than the previous one, kept so they answer `api_key_revoked`; bounded. */
const MAX_RETIRED_SECRETS = 20;

/** Issuing, listing, editing, revoking and rotating a company's API keys. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly keys: ApiKeysRepository,
    private readonly users: UsersRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly hasher: ApiKeyHasher,
    private readonly outbox: Outbox,
    private readonly audit: AuditSink,
    private readonly operation: CurrentOperation,
  ) {}

  async create(principal: Principal, request: CreateApiKeyRequest): Promise<ApiKeyWithSecretResponse> {
    const scopes = this.requestedScopes(principal, request);
    const expiresAt = request.expiresAt ? futureDate(request.expiresAt) : null;
    const publicId = newPublicId();
    const secret = newSecret(publicId);
    const key = await this.keys.save(
      this.keys.create({
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
    return ApiKeyWithSecretResponse.withSecret(key, creatorOf(principal), formatApiKey(publicId, secret));
  }

  async list(principal: Principal, query: ListApiKeysQuery): Promise<Page<ApiKeyResponse>> {
    const page = await this.keys.listForCompany(principal.companyId, query);
    const creators = await this.creators(principal.companyId, page.data);
    return new Page(page.data.map((key) => ApiKeyResponse.of(key, creators.get(key.createdBy)!)), page.nextCursor);
  }

  async get(principal: Principal, publicId: string): Promise<ApiKeyResponse> {
    return this.respond(await this.keys.getForCompany(principal.companyId, publicId));
  }

  /** Name, description, allowlist, expiry and cap; scopes never change. A revoked key is final. */
  update(principal: Principal, publicId: string, request: UpdateApiKeyRequest): Promise<ApiKeyResponse> {
    const next: Partial<Pick<ApiKey, 'name' | 'description' | 'ipAllowlist' | 'expiresAt' | 'dailyCreditLimit'>> = {};
    if (request.name !== undefined) next.name = request.name;
    if (request.description !== undefined) next.description = request.description;
    if (request.ipAllowlist !== undefined) next.ipAllowlist = normaliseAllowlist(request.ipAllowlist, 'ipAllowlist');
    if (request.expiresAt !== undefined) next.expiresAt = request.expiresAt === null ? null : futureDate(request.expiresAt);
    if (request.dailyCreditLimit !== undefined) next.dailyCreditLimit = request.dailyCreditLimit;
    return this.uow.run(async () => {
      const key = await this.keys.getForCompany(principal.companyId, publicId, { lock: true });
      if (key.revokedAt) throw new DomainError('conflict', 'A revoked key cannot be changed.');
      const changes: Changes = {};
      for (const [field, value] of Object.entries(next) as Array<[keyof typeof next, unknown]>) {
        const from = comparable(key[field]);
        const to = comparable(value);
        if (JSON.stringify(from) === JSON.stringify(to)) continue;
        changes[field] = { from, to };
        Object.assign(key, { [field]: value });
      }
      if (Object.keys(changes).length > 0) await this.keys.save(key);
      this.operation.describe({ resourceId: key.publicId, changes: Object.keys(changes).length > 0 ? changes : null });
      return this.respond(key);
    });
  }

  /** Immediate and permanent; revoking a revoked key answers the key again without a second event. */
  revoke(principal: Principal, publicId: string): Promise<ApiKeyResponse> {
    return this.uow.run(async () => {
      const key = await this.keys.getForCompany(principal.companyId, publicId, { lock: true });
      if (key.revokedAt) return this.respond(key);
      return this.markRevoked(key, 'revoked');
    });
  }

  /**
   * A removed user's keys die with them, in the removal's transaction: each one is revoked with the
   * reason `creator_removed`, with its own `api_key.revoke` audit event and `api_key.revoked` webhook.
   */
  async revokeAllOfCreator(actor: Principal, creatorId: string): Promise<number> {
    return this.uow.run(async () => {
      const keys = await this.keys.lockActiveOfCreator(actor.companyId, creatorId);
      const call = this.operation.call();
      for (const key of keys) {
        await this.markRevoked(key, 'creator_removed');
        if (call) await this.audit.recordEvent(new OperationContext(actor, 'api_key.revoke', call, key.publicId, 200), 'success');
      }
      return keys.length;
    });
  }

  /**
   * New secret, same publicId, scopes and settings. Without grace the old secret (and key tokens
   * exchanged for it) fail at once; with grace they work until then. Refresh tokens of the key are
   * revoked either way: a rotation is often a response to a leak.
   */
  rotate(principal: Principal, publicId: string, gracePeriodSeconds = 0): Promise<ApiKeyWithSecretResponse> {
    return this.uow.run(async () => {
      const key = await this.keys.getForCompany(principal.companyId, publicId, { lock: true });
      if (key.revokedAt) throw new DomainError('conflict', 'A revoked key cannot be rotated.');
      const secret = newSecret(key.publicId);
      const now = new Date();
      if (key.previousSecretHash) key.retiredSecretHashes = [...key.retiredSecretHashes, key.previousSecretHash].slice(-MAX_RETIRED_SECRETS);
      key.previousSecretHash = key.secretHash;
      key.previousSecretValidUntil = gracePeriodSeconds > 0 ? new Date(now.getTime() + gracePeriodSeconds * 1000) : null;
      key.secretHash = this.hasher.hash(secret);
      key.generation += 1;
      key.rotatedAt = now;
      await this.keys.save(key);
      await this.refreshTokens.revokeAll(key.companyId, { apiKeyPublicId: key.publicId });
      const creators = await this.creators(key.companyId, [key]);
      return ApiKeyWithSecretResponse.withSecret(key, creators.get(key.createdBy)!, formatApiKey(key.publicId, secret));
    });
  }

  private async markRevoked(key: ApiKey, reason: RevokedReason): Promise<ApiKeyResponse> {
    key.revokedAt = new Date();
    key.revokedReason = reason;
    await this.keys.save(key);
    const response = await this.respond(key);
    await this.outbox.record(key.companyId, 'api_key.revoked', { ...response });
    return response;
  }

  private async respond(key: ApiKey): Promise<ApiKeyResponse> {
    const creators = await this.creators(key.companyId, [key]);
    return ApiKeyResponse.of(key, creators.get(key.createdBy)!);
  }

  /** The creators of these keys as they are now (removed ones too), in one query. */
  private async creators(companyId: string, keys: ApiKey[]): Promise<Map<string, ApiKeyCreator>> {
    const users = await this.users.findIncludingRemoved(companyId, [...new Set(keys.map((key) => key.createdBy))]);
    return new Map(users.map((user) => [user.id, { id: user.id, name: user.name, role: user.role, removed: user.removedAt !== null }]));
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

function creatorOf(principal: Principal): ApiKeyCreator {
  return { id: principal.userId, name: principal.name, role: principal.role };
}

function futureDate(value: string): Date {
  const date = new Date(value);
  if (date.getTime() <= Date.now()) throw invalid([{ field: 'expiresAt', message: 'must be in the future' }]);
  return date;
}

/** A field's value as the audit's `changes` shows it (dates as ISO 8601). */
function comparable(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : (value ?? null);
}
