import { Inject, Injectable } from '@nestjs/common';
import { createSigner, createVerifier } from 'fast-jwt';
import { AppConfig, requireSetting } from '../../platform/config/app-config.js';
import { DomainError } from '../../platform/http/domain-error.js';

/** Claims of Fleetgate's short-lived access tokens: `sub` is a user id or, for key tokens, the key's publicId. */
export type AccessTokenClaims =
  | { typ: 'user'; sub: string; cid: string }
  | { typ: 'key'; sub: string; cid: string; gen: number };

const ISSUER = 'fleetgate';

/** How many verified tokens one instance remembers (an LRU): a busy instance's recent callers. */
const VERIFIED_TOKENS_KEPT = 10_000;

/** Key tokens live an hour (the token-exchange contract's `expiresIn: 3600`). */
export const KEY_TOKEN_TTL_SECONDS = 3600;

/** HS256 with the JWT_SECRET, issuer `fleetgate`; fast-jwt (Fastify's own JWT library) verifies on every request. */
@Injectable()
export class AccessTokenService {
  private readonly signer: (payload: Record<string, unknown>) => string;
  private readonly verifier: (token: string) => AccessTokenClaims;

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    const key = requireSetting(config.JWT_SECRET, 'JWT_SECRET');
    this.signer = createSigner({ key, algorithm: 'HS256', iss: ISSUER });
    // cache: a token verified once (kept under its SHA-256, never as itself) is not verified again until
    // it expires; what it names is still read fresh on every request (AuthenticationService)
    this.verifier = createVerifier({ key, algorithms: ['HS256'], allowedIss: ISSUER, requiredClaims: ['exp', 'iss'], cache: VERIFIED_TOKENS_KEPT });
  }

  get userTokenTtlSeconds(): number {
    return this.config.ACCESS_TOKEN_TTL_SECONDS;
  }

  sign(claims: AccessTokenClaims, ttlSeconds: number): string {
    return this.signer({ ...claims, exp: Math.floor(Date.now() / 1000) + ttlSeconds });
  }

  /** An access token for an API key principal, bound to the key's rotation generation. */
  signKeyToken(principal: { publicId?: string; companyId: string; keyGeneration?: number }): string {
    if (!principal.publicId || principal.keyGeneration === undefined) throw new Error('signKeyToken needs an API key principal');
    return this.sign({ typ: 'key', sub: principal.publicId, cid: principal.companyId, gen: principal.keyGeneration }, KEY_TOKEN_TTL_SECONDS);
  }

  /** Any failure (signature, expiry, shape) is the same 401 to the client. */
  verify(token: string): AccessTokenClaims {
    try {
      const claims = this.verifier(token);
      const shaped = typeof claims.sub === 'string' && typeof claims.cid === 'string';
      if (shaped && (claims.typ === 'user' || (claims.typ === 'key' && Number.isInteger(claims.gen)))) return claims;
    } catch {
      // fall through to the one answer for every bad token
    }
    throw new DomainError('invalid_credentials', 'The access token is invalid or expired.');
  }
}
