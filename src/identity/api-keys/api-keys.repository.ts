import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import type { Page, PageQuery } from '../../platform/http/pagination/page-query.dto.js';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { UnitOfWork } from '../../platform/database/unit-of-work.js';
import { ApiKey } from './api-key.entity.js';
import type { ListApiKeysQuery } from './dto/api-key.dto.js';

export type { ApiKey };

export type ExpiryNotice = '7d' | '1d';

/** Per notice: the column that records it was sent for an expiry, and the window it covers (before expiry). */
const EXPIRY_NOTICES: Record<ExpiryNotice, { column: string; within: string; notWithin: string }> = {
  '7d': { column: 'expiry_warned_7d_for', within: '7 days', notWithin: '1 day' },
  '1d': { column: 'expiry_warned_1d_for', within: '1 day', notWithin: '0 seconds' },
};

export interface ExpiringKey {
  id: string;
  publicId: string;
  companyId: string;
  name: string;
  expiresAt: Date;
}

/**
 * The company's API keys, named by their `publicId` (as everywhere in the contract). Verifying a
 * presented key is the hot path's own batched SQL (ApiKeyCredentials), not this.
 */
@Injectable()
export class ApiKeysRepository extends TenantRepository<ApiKey> {
  constructor(uow: UnitOfWork) {
    super(uow, ApiKey, 'API key', 'key', 'publicId');
  }

  override listForCompany(companyId: string, query: PageQuery & Pick<ListApiKeysQuery, 'includeRevoked' | 'status' | 'q'>): Promise<Page<ApiKey>> {
    return this.pageForCompany(companyId, query, (builder) => {
      switch (query.status) {
        case undefined:
          if (!query.includeRevoked) builder.andWhere('key.revokedAt IS NULL');
          break;
        case 'REVOKED':
          builder.andWhere('key.revokedAt IS NOT NULL');
          break;
        case 'EXPIRED':
          builder.andWhere('key.revokedAt IS NULL AND key.expiresAt <= now()');
          break;
        case 'ACTIVE':
          builder.andWhere('key.revokedAt IS NULL AND (key.expiresAt IS NULL OR key.expiresAt > now())');
          break;
      }
      if (query.q) {
        const pattern = `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        builder.andWhere("(lower(key.name) LIKE :q ESCAPE '\\' OR lower(coalesce(key.description, '')) LIKE :q ESCAPE '\\')", { q: pattern });
      }
    });
  }

  /** The creator's keys not yet revoked, oldest first, each locked until the transaction ends. */
  lockActiveOfCreator(companyId: string, creatorId: string): Promise<ApiKey[]> {
    return this.rows.find({
      where: { companyId, createdBy: creatorId, revokedAt: IsNull() },
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /**
   * Claims the `notice` warnings now due, across every company: one UPDATE records the notice for
   * the key's current expiry and answers the keys it claimed, so two instances never both claim one
   * and a changed expiry is due again.
   */
  async claimExpiryWarnings(notice: ExpiryNotice): Promise<ExpiringKey[]> {
    const { column, within, notWithin } = EXPIRY_NOTICES[notice];
    const [rows] = await this.uow.manager.query<[Array<{ id: string; public_id: string; company_id: string; name: string; expires_at: Date }>, number]>(
      `UPDATE api_keys SET ${column} = expires_at
        WHERE revoked_at IS NULL AND expires_at > now() + interval '${notWithin}' AND expires_at <= now() + interval '${within}'
          AND ${column} IS DISTINCT FROM expires_at
       RETURNING id, public_id, company_id, name, expires_at`,
    );
    return rows.map((row) => ({ id: row.id, publicId: row.public_id, companyId: row.company_id, name: row.name, expiresAt: row.expires_at }));
  }
}
