import { Injectable } from '@nestjs/common';
import { RefreshTokenService } from './refresh-token.service.js';
import type { TokenPairResponse } from './dto/auth.dto.js';
import { AccessTokenService, KEY_TOKEN_TTL_SECONDS } from '../authentication/access-token.service.js';
import { DomainError } from '../../platform/http/domain-error.js';
import { ApiKeyCredentials } from '../api-keys/api-key-credentials.js';
import { parseApiKey } from '../api-keys/api-key-format.js';
import { RateLimitStore } from '../authentication/rate-limit.store.js';

const KEY_SCHEME = /^(?:ApiKey|Bearer)\s+(\S+)\s*$/i;

/** Token exchange: an API key for a short-lived key token and a refresh token. */
@Injectable()
export class KeyTokenService {
  constructor(
    private readonly credentials: ApiKeyCredentials,
    private readonly accessTokens: AccessTokenService,
    private readonly refreshTokens: RefreshTokenService,
    private readonly limits: RateLimitStore,
  ) {}

  /** The key from `Authorization: ApiKey vk_…` if present, else from the body or query. */
  static keyFrom(authorization: string | undefined, supplied: string | undefined): string | undefined {
    const fromHeader = authorization ? KEY_SCHEME.exec(authorization)?.[1] : undefined;
    return fromHeader?.startsWith('vk_') ? fromHeader : (supplied ?? fromHeader);
  }

  async exchange(rawKey: string | undefined, ip: string): Promise<TokenPairResponse> {
    if (!rawKey) throw new DomainError('malformed_api_key', 'No API key was given: send Authorization: ApiKey vk_… or {"apiKey": "vk_…"}.');
    if (parseApiKey(rawKey).kind === 'malformed') {
      throw new DomainError('malformed_api_key', 'The API key is not of the form vk_{publicId}_{secret}.');
    }
    const presented = this.credentials.presentKey(rawKey, ip);
    const principal = await presented.lookUp();
    // an exchange spends the key's own budget, before it writes a refresh token
    const decision = await this.limits.consume(presented.budget);
    if (!decision.allowed) {
      throw new DomainError('rate_limited', `Rate limit of ${decision.limit} requests a minute exceeded; retry in ${decision.resetSeconds} s.`, {}, {
        'Retry-After': String(decision.resetSeconds),
      });
    }
    const refreshToken = await this.refreshTokens.issue({
      companyId: principal.companyId,
      apiKeyPublicId: principal.publicId!,
      apiKeyGeneration: principal.keyGeneration!,
    });
    return { accessToken: this.accessTokens.signKeyToken(principal), refreshToken, tokenType: 'Bearer', expiresIn: KEY_TOKEN_TTL_SECONDS };
  }
}
