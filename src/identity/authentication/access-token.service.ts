import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../../platform/config/app-config.js';
import { DomainError } from '../../platform/http/domain-error.js';

/** Claims of Fleetgate's short-lived access tokens: `sub` is a user id or, for key tokens, the key's publicId. */
export type AccessTokenClaims =
  | { typ: 'user'; sub: string; cid: string }
  | { typ: 'key'; sub: string; cid: string; gen: number };

const ISSUER = 'fleetgate';

/** Key tokens live an hour (the token-exchange contract's `expiresIn: 3600`). */
export const KEY_TOKEN_TTL_SECONDS = 3600;

@Injectable()
export class AccessTokenService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  get userTokenTtlSeconds(): number {
    return this.config.ACCESS_TOKEN_TTL_SECONDS;
  }

  sign(claims: AccessTokenClaims, ttlSeconds: number): string {
    return this.jwt.sign({ ...claims }, { expiresIn: ttlSeconds, issuer: ISSUER, algorithm: 'HS256' });
  }

  /** An access token for an API key principal, bound to the key's rotation generation. */
  signKeyToken(principal: { publicId?: string; companyId: string; keyGeneration?: number }): string {
    if (!principal.publicId || principal.keyGeneration === undefined) throw new Error('signKeyToken needs an API key principal');
    return this.sign({ typ: 'key', sub: principal.publicId, cid: principal.companyId, gen: principal.keyGeneration }, KEY_TOKEN_TTL_SECONDS);
  }

  /** Any failure (signature, expiry, shape) is the same 401 to the client. */
  verify(token: string): AccessTokenClaims {
    try {
      const claims = this.jwt.verify<AccessTokenClaims & { iss: string }>(token, { issuer: ISSUER, algorithms: ['HS256'] });
      const shaped = typeof claims.sub === 'string' && typeof claims.cid === 'string';
      if (shaped && (claims.typ === 'user' || (claims.typ === 'key' && Number.isInteger(claims.gen)))) return claims;
    } catch {
      // fall through to the one answer for every bad token
    }
    throw new DomainError('invalid_credentials', 'The access token is invalid or expired.');
  }
}
