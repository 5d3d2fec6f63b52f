import { Injectable } from '@nestjs/common';
import type { User } from '../directory/user.entity.js';
import { BatchedLookup } from '../../platform/database/batched-lookup.js';
import { PointReads } from '../../platform/database/point-reads.js';
import { DomainError } from '../../platform/http/domain-error.js';
import { ApiKeyCredentials } from '../api-keys/api-key-credentials.js';
import { looksLikeApiKey } from '../api-keys/api-key-format.js';
import { ROLE_SCOPES } from '../scopes/scope-catalogue.js';
import { AccessTokenService } from './access-token.service.js';
import { type PresentedCredential, type Principal, userBudget } from '../principal.js';

/** The hot path of every user request: one indexed lookup for all the users of an event-loop turn, no ORM hydration. */
const USERS_AUTH_SQL = 'SELECT id, company_id, name, role FROM users WHERE id = ANY($1::uuid[]) AND removed_at IS NULL';

type UserAuthRow = Pick<User, 'id' | 'name' | 'role'> & { company_id: string };

/**
 * Turns any bearer credential into a Principal with one database round trip, read fresh on every
 * request: a demotion, removal or revocation takes effect on the very next request, on every instance.
 */
@Injectable()
export class AuthenticationService {
  /** Lookups of one event-loop turn share one prepared query, on the pool (as API keys' do). */
  private readonly users: BatchedLookup<UserAuthRow>;

  constructor(
    reads: PointReads,
    private readonly accessTokens: AccessTokenService,
    private readonly keys: ApiKeyCredentials,
  ) {
    this.users = new BatchedLookup(reads, (userIds) => ({ name: 'users_auth', text: USERS_AUTH_SQL, values: [userIds] }), (row) => row.id);
  }

  /**
   * Checks what needs no database (a key's form and checksum, a token's signature and expiry) and
   * throws 401 when that fails; the lookup is left to the caller to start.
   */
  present(token: string, ip: string): PresentedCredential {
    if (looksLikeApiKey(token)) return this.keys.presentKey(token, ip);
    const claims = this.accessTokens.verify(token);
    switch (claims.typ) {
      case 'user':
        return { budget: userBudget(claims.sub), lookUp: () => this.userPrincipal(claims.sub, claims.cid) };
      case 'key':
        return this.keys.presentKeyToken(claims.sub, claims.cid, claims.gen, ip);
    }
  }

  private async userPrincipal(userId: string, companyId: string): Promise<Principal> {
    const user = await this.users.find(userId);
    if (!user || user.company_id !== companyId) throw new DomainError('invalid_credentials', 'The access token is invalid or expired.');
    return {
      type: 'user',
      credential: 'user_token',
      companyId,
      userId: user.id,
      role: user.role,
      name: user.name,
      scopes: ROLE_SCOPES[user.role],
    };
  }
}
