import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AccessTokenService } from '../identity/authentication/access-token.service.js';
import type { Principal } from '../identity/principal.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { LOGGER, type AppLogger } from '../platform/logging/logger.js';
import type { AuditActor, AuditOutcome } from './audit-chain.js';
import { AuditChainWriter } from './audit-chain-writer.js';
import { auditActionOfRoute } from '../platform/operations/audited.decorator.js';

/** What the audit reads from a request: the principal, and the credits the operation spent (set by the credit debit). */
export type AuditableRequest = FastifyRequest & { user?: Principal; creditsSpent?: number };

const API_KEY_TOKEN = /^vk_([a-z0-9]+)_/;
const DENIAL_STATUSES = new Set([401, 402, 403]);

/** A caller known by an API key's publicId alone (e.g. a revoked key): who it is, if the key exists. */
interface IdentifiedKey {
  companyId: string;
  actor: AuditActor;
}

/**
 * The one place that turns a call of an @Audited operation into an audit event: a success inside the
 * write's own transaction; a denial or failure in a transaction of its own, after the write rolled back.
 */
@Injectable()
export class AuditRecorder {
  constructor(
    private readonly reflector: Reflector,
    private readonly chain: AuditChainWriter,
    private readonly uow: UnitOfWork,
    private readonly accessTokens: AccessTokenService,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  /** Called by the write interceptor after the handler, inside the write's transaction. */
  async recordSuccess(context: ExecutionContext, action: string, result: unknown): Promise<void> {
    const request = context.switchToHttp().getRequest<AuditableRequest>();
    const principal = request.user;
    if (!principal) return;
    const declared = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler());
    await this.chain.append({
      ...this.callOf(request, action),
      companyId: principal.companyId,
      actor: actorOf(principal),
      resourceId: resourceIdOf(result, request),
      status: declared ?? (request.method === 'POST' ? 201 : 200),
      outcome: 'success',
      creditsSpent: request.creditsSpent ?? 0,
    });
  }

  /**
   * Records a refused or failed call of an @Audited route in its own transaction; resolves once it is
   * stored (or its failure logged: recording never breaks the error response). Undefined when there is
   * nothing to record: not an audited route, not an error, or a caller that cannot be identified.
   */
  recordFailure(request: FastifyRequest, status: number): Promise<void> | undefined {
    const action = auditActionOfRoute(request);
    if (!action || status < 400) return undefined;
    const principal = (request as AuditableRequest).user;
    const outcome: AuditOutcome = DENIAL_STATUSES.has(status) ? 'denied' : 'error';
    if (!principal && status !== 401 && status !== 403) return undefined;
    return this.uow
      .runDetached(async () => {
        const caller = principal ? { companyId: principal.companyId, actor: actorOf(principal) } : await this.identifyKey(request);
        if (!caller) return;
        await this.chain.append({
          ...this.callOf(request, action),
          ...caller,
          resourceId: routeParamId(request),
          status,
          outcome,
          creditsSpent: 0,
        });
      })
      .catch((error: unknown) => {
        this.logger.error({ requestId: request.id, err: error }, 'could not record audit event');
      });
  }

  private callOf(request: FastifyRequest, action: string) {
    return {
      ip: request.ip ?? null,
      userAgent: headerOf(request, 'user-agent'),
      requestId: String(request.id),
      action,
      method: request.method,
      // the query string is never stored: it may carry a secret (e.g. `?apiKey=`)
      path: request.url.split('?')[0],
      resourceType: action.split('.')[0],
      idempotencyKey: headerOf(request, 'idempotency-key'),
    };
  }

  /** A refused API key or key token, known by its publicId; never the secret. */
  private async identifyKey(request: FastifyRequest): Promise<IdentifiedKey | undefined> {
    const token = /^Bearer\s+(\S+)$/i.exec(headerOf(request, 'authorization') ?? '')?.[1];
    if (!token) return undefined;
    const publicId = API_KEY_TOKEN.exec(token)?.[1] ?? this.keyTokenPublicId(token);
    if (!publicId) return undefined;
    const key = await this.findKey(publicId);
    if (!key) return undefined;
    return { companyId: key.company_id, actor: { type: 'api_key', id: key.id, name: key.name, publicId } };
  }

  private keyTokenPublicId(token: string): string | undefined {
    try {
      const claims = this.accessTokens.verify(token);
      return claims.typ === 'key' ? claims.sub : undefined;
    } catch {
      return undefined;
    }
  }

  private async findKey(publicId: string): Promise<{ id: string; company_id: string; name: string } | undefined> {
    const manager = this.uow.manager;
    const [table] = await manager.query<Array<{ present: boolean }>>(`SELECT to_regclass('api_keys') IS NOT NULL AS present`);
    if (!table.present) return undefined;
    const rows = await manager.query<Array<{ id: string; company_id: string; name: string }>>(
      `SELECT id, company_id, name FROM api_keys WHERE public_id = $1`,
      [publicId],
    );
    return rows[0];
  }
}

function actorOf(principal: Principal): AuditActor {
  if (principal.type === 'api_key') {
    return { type: 'api_key', id: principal.apiKeyId ?? null, name: principal.name, publicId: principal.publicId ?? null };
  }
  return { type: 'user', id: principal.userId, name: principal.name, publicId: null };
}

function resourceIdOf(result: unknown, request: FastifyRequest): string | null {
  if (result && typeof result === 'object') {
    const { id, publicId } = result as { id?: unknown; publicId?: unknown };
    // an API key is known by its publicId everywhere in the contract
    if (typeof publicId === 'string') return publicId;
    if (typeof id === 'string') return id;
  }
  return routeParamId(request);
}

function routeParamId(request: FastifyRequest): string | null {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const id = params.id ?? params.publicId;
  return typeof id === 'string' ? id.slice(0, 128) : null;
}

function headerOf(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first ?? null;
}
