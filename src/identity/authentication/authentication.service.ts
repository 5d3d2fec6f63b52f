import { Injectable } from '@nestjs/common';
import type { User } from '../directory/user.entity.js';
import { DomainError } from '../../platform/http/domain-error.js';
import { UnitOfWork } from '../../platform/database/unit-of-work.js';
import { ApiKeyCredentials } from '../api-keys/api-key-credentials.js';
import { looksLikeApiKey } from '../api-keys/api-key-format.js';
import { ROLE_SCOPES } from '../scopes/scope-catalogue.js';
import { AccessTokenService } from './access-token.service.js';
import type { Principal } from '../principal.js';

/** The hot path of every user request: one indexed lookup, no ORM hydration. */
const USER_AUTH_SQL = 'SELECT id, name, role FROM users WHERE id = $1 AND company_id = $2 AND removed_at IS NULL';

/**
 * Turns any bearer credential into a Principal with one database round trip, read fresh on every
 * request: a demotion, removal or revocation takes effect on the very next request, on every instance.
 */
@Injectable()
export class AuthenticationService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly accessTokens: AccessTokenService,
    private readonly keys: ApiKeyCredentials,
  ) {}

  async authenticate(token: string, ip: string): Promise<Principal> {
    if (looksLikeApiKey(token)) return this.keys.authenticateKey(token, ip);
    const claims = this.accessTokens.verify(token);
    switch (claims.typ) {
      case 'user':
        return this.userPrincipal(claims.sub, claims.cid);
      case 'key':
        return this.keys.authenticateKeyToken(claims.sub, claims.cid, claims.gen, ip);
    }
  }

  private async userPrincipal(userId: string, companyId: string): Promise<Principal> {
    const rows: Pick<User, 'id' | 'name' | 'role'>[] = await this.uow.manager.query(USER_AUTH_SQL, [userId, companyId]);
    const user = rows[0];
    if (!user) throw new DomainError('invalid_credentials', 'The access token is invalid or expired.');
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
