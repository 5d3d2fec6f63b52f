import { Inject, Injectable } from '@nestjs/common';
import ipaddr from 'ipaddr.js';
import { DataSource } from 'typeorm';
import { BatchedLookup } from '../../platform/database/batched-lookup.js';
import { PointReads } from '../../platform/database/point-reads.js';
import { type CredentialKind, keyBudget, type PresentedCredential, type Principal, RefusedCredential } from '../principal.js';
import { DomainError } from '../../platform/http/domain-error.js';
import { isIpAllowed } from '../../platform/net/ip-allowlist.js';
import { LOGGER, type AppLogger } from '../../platform/logging/logger.js';
import { expandScopes, ROLE_SCOPES, type Role, type Scope } from '../scopes/scope-catalogue.js';
import { parseApiKey } from './api-key-format.js';
import { ApiKeyHasher } from './api-key-hasher.js';

/** Everything a key check needs, read in ONE query: the key, its company and its creator. */
interface KeyAuthRow {
  id: string;
  public_id: string;
  company_id: string;
  name: string;
  secret_hash: string;
  previous_secret_hash: string | null;
  previous_secret_valid_until: Date | null;
  retired_secret_hashes: string[];
  generation: number;
  scopes: Scope[];
  expires_at: Date | null;
  ip_allowlist: string[];
  daily_credit_limit: number | null;
  revoked_at: Date | null;
  revoked_reason: string | null;
  rotated_at: Date | null;
  last_used_at: Date | null;
  created_by: string;
  api_enabled: boolean;
  company_ip_allowlist: string[];
  creator_role: Role;
  creator_removed_at: Date | null;
}

const KEY_AUTH_SQL = `
  SELECT k.id, k.public_id, k.company_id, k.name, k.secret_hash, k.previous_secret_hash,
         k.previous_secret_valid_until, k.retired_secret_hashes, k.generation, k.scopes, k.expires_at,
         k.ip_allowlist, k.daily_credit_limit, k.revoked_at, k.revoked_reason, k.rotated_at, k.last_used_at, k.created_by,
         c.api_enabled, c.ip_allowlist AS company_ip_allowlist,
         u.role AS creator_role, u.removed_at AS creator_removed_at
    FROM api_keys k
    JOIN companies c ON c.id = k.company_id
    JOIN users u ON u.id = k.created_by
   WHERE k.public_id = ANY($1::varchar[])`;

const TOUCH_SQL = `
  UPDATE api_keys SET last_used_at = now(), last_used_ip = $2
   WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`;

const TOUCH_INTERVAL_MS = 60_000;

const invalidKey = () => new DomainError('invalid_credentials', 'The API key is invalid.');
const invalidToken = () => new DomainError('invalid_credentials', 'The access token is invalid or expired.');
const revoked = (row: KeyAuthRow) =>
  new RefusedCredential(
    principalOf(row, row.generation, 'api_key'),
    'api_key_revoked',
    row.revoked_reason === 'creator_removed' || (!row.revoked_at && row.creator_removed_at)
      ? 'This API key has been revoked: the user who created it was removed from the company.'
      : 'This API key has been revoked.',
  );
/** A secret (or a token exchanged from it) retired by a rotation: the key itself lives on with a new secret. */
const rotatedAway = (row: KeyAuthRow) => {
  const rotatedAt = row.rotated_at?.toISOString() ?? null;
  return new RefusedCredential(
    principalOf(row, row.generation, 'api_key'),
    'api_key_revoked',
    `This secret was replaced by a rotation of the key${rotatedAt ? ` at ${rotatedAt}` : ''}; use the key's new secret.`,
    { rotatedAt },
  );
};

/**
 * Verifies API keys and key tokens against the database on every request (no in-process cache, so a
 * revoke, rotation or API switch-off is seen at once by every instance), and keeps `lastUsedAt`
 * fresh to the minute with at most one conditional write a minute per key.
 */
@Injectable()
export class ApiKeyCredentials {
  /**
   * Lookups of one event-loop turn share one prepared query, sent with the turn's other point reads
   * (never on a caller's transaction).
   */
  private readonly keys: BatchedLookup<KeyAuthRow>;

  constructor(
    private readonly hasher: ApiKeyHasher,
    reads: PointReads,
    private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {
    this.keys = new BatchedLookup(reads, (publicIds) => ({ name: 'api_key_auth', text: KEY_AUTH_SQL, values: [publicIds] }), (row) => row.public_id);
  }

  /** `vk_…` presented directly (bearer or token exchange): refused here when malformed, else looked up. */
  presentKey(rawKey: string, ip: string): PresentedCredential {
    const parsed = parseApiKey(rawKey);
    if (parsed.kind !== 'ok') throw invalidKey();
    const { publicId, secret } = parsed.key;
    return {
      budget: keyBudget(publicId),
      lookUp: async () => {
        const row = await this.keys.find(publicId);
        if (!row) throw invalidKey();
        const generation = this.matchSecret(row, this.hasher.hash(secret));
        return this.admit(row, ip, generation, 'api_key');
      },
    };
  }

  /** A key token's claims (its signature already verified), re-checked against the key row. */
  presentKeyToken(publicId: string, companyId: string, generation: number, ip: string): PresentedCredential {
    return {
      budget: keyBudget(publicId),
      lookUp: async () => {
        const row = await this.keys.find(publicId);
        if (!row || row.company_id !== companyId) throw invalidToken();
        return this.admitGeneration(row, ip, generation);
      },
    };
  }

  /**
   * Refreshing a key token pair: the key must still be usable from here, by the secret generation the
   * pair was exchanged from (a pair from the old secret dies with the rotation's grace period).
   */
  async principalForRefresh(publicId: string, companyId: string, generation: number, ip: string): Promise<Principal> {
    const row = await this.keys.find(publicId);
    if (!row || row.company_id !== companyId) {
      throw new DomainError('invalid_credentials', 'The refresh token is invalid, expired or already used.');
    }
    return this.admitGeneration(row, ip, generation);
  }

  private admitGeneration(row: KeyAuthRow, ip: string, generation: number): Principal {
    if (row.revoked_at || row.creator_removed_at) throw revoked(row);
    if (generation !== row.generation && !(generation === row.generation - 1 && this.inGrace(row))) throw rotatedAway(row);
    return this.admit(row, ip, generation, 'key_token');
  }

  /** The generation the presented secret belongs to; a retired secret is a revoked credential. */
  private matchSecret(row: KeyAuthRow, presented: string): number {
    if (ApiKeyHasher.same(row.secret_hash, presented)) return row.generation;
    const retired = ApiKeyHasher.same(row.previous_secret_hash, presented) || row.retired_secret_hashes.some((hash) => ApiKeyHasher.same(hash, presented));
    if (retired && (row.revoked_at || row.creator_removed_at)) throw revoked(row);
    if (ApiKeyHasher.same(row.previous_secret_hash, presented)) {
      if (this.inGrace(row)) return row.generation - 1;
      throw rotatedAway(row);
    }
    if (retired) throw rotatedAway(row);
    throw invalidKey();
  }

  private inGrace(row: KeyAuthRow): boolean {
    return row.previous_secret_valid_until !== null && row.previous_secret_valid_until.getTime() > Date.now();
  }

  private admit(row: KeyAuthRow, ip: string, generation: number, credential: 'api_key' | 'key_token'): Principal {
    const principal = principalOf(row, generation, credential);
    const refuse = (code: 'api_key_expired' | 'api_disabled' | 'ip_not_allowed', detail: string, extensions?: Record<string, unknown>) =>
      new RefusedCredential(principal, code, detail, extensions);
    if (row.revoked_at || row.creator_removed_at) throw revoked(row);
    if (row.expires_at && row.expires_at.getTime() <= Date.now()) throw refuse('api_key_expired', 'This API key has expired.');
    if (!row.api_enabled) throw refuse('api_disabled', 'API access is turned off for this company.');
    if (!isIpAllowed(ip, row.company_ip_allowlist)) {
      throw refuse('ip_not_allowed', "The request's IP address is not in the company's allowlist.", { ip: displayIp(ip) });
    }
    if (!isIpAllowed(ip, row.ip_allowlist)) {
      throw refuse('ip_not_allowed', "The request's IP address is not in this key's allowlist.", { ip: displayIp(ip) });
    }
    this.touch(row, ip);
    return principal;
  }

  /**
   * Fire-and-forget, on its own connection (never inside a caller's transaction), and only when the
   * row read says the stamp is over a minute old; the WHERE clause makes racing instances a no-op.
   */
  private touch(row: KeyAuthRow, ip: string): void {
    if (row.last_used_at && Date.now() - row.last_used_at.getTime() < TOUCH_INTERVAL_MS) return;
    this.dataSource.query(TOUCH_SQL, [row.id, displayIp(ip)]).catch((error: unknown) => {
      this.logger.warn({ err: error, publicId: row.public_id }, 'could not record API key use');
    });
  }
}

/** The key as a caller: its scopes cut to its creator's current role. */
function principalOf(row: KeyAuthRow, generation: number, credential: CredentialKind): Principal {
  const allowed = ROLE_SCOPES[row.creator_role];
  return {
    type: 'api_key',
    credential,
    companyId: row.company_id,
    userId: row.created_by,
    role: row.creator_role,
    name: row.name,
    apiKeyId: row.id,
    publicId: row.public_id,
    scopes: new Set([...expandScopes(row.scopes)].filter((scope) => allowed.has(scope))),
    dailyCreditLimit: row.daily_credit_limit,
    keyGeneration: generation,
  };
}

/** IPv4-mapped IPv6 addresses are shown as the IPv4 address they carry. */
export function displayIp(ip: string): string {
  try {
    return ipaddr.process(ip).toString();
  } catch {
    return ip;
  }
}
