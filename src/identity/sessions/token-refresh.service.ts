import { Injectable } from '@nestjs/common';
import { AccessTokenService, KEY_TOKEN_TTL_SECONDS } from '../authentication/access-token.service.js';
import { ApiKeyCredentials } from '../api-keys/api-key-credentials.js';
import { SessionsService } from './sessions.service.js';
import type { TokenPairResponse } from './dto/auth.dto.js';
import { RefreshTokenService } from './refresh-token.service.js';
import type { CallInfo } from '../../platform/operations/operation.js';

/** `POST /v1/auth/refresh` for user and key token pairs alike. */
@Injectable()
export class TokenRefreshService {
  constructor(
    private readonly refreshTokens: RefreshTokenService,
    private readonly auth: SessionsService,
    private readonly keys: ApiKeyCredentials,
    private readonly accessTokens: AccessTokenService,
  ) {}

  async refresh(token: string, ip: string, call: CallInfo): Promise<TokenPairResponse> {
    const { subject, refreshToken } = await this.refreshTokens.rotate(token, call);
    if (subject.userId !== undefined) return this.auth.refreshUser(subject.companyId, subject.userId, refreshToken);
    // A key pair is only refreshed while the key itself would still be accepted from this address.
    const principal = await this.keys.principalForRefresh(subject.apiKeyPublicId, subject.companyId, subject.apiKeyGeneration, ip);
    return { accessToken: this.accessTokens.signKeyToken(principal), refreshToken, tokenType: 'Bearer', expiresIn: KEY_TOKEN_TTL_SECONDS };
  }

  /** `POST /v1/auth/logout`: the token's family stops refreshing; no token, or an unknown one, is a no-op. */
  async logout(token: string | undefined): Promise<void> {
    if (token !== undefined) await this.refreshTokens.revokeFamily(token);
  }
}
