import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error.js';
import { AuthService } from './auth.service.js';
import type { TokenPairResponse } from './dto/auth.dto.js';
import { RefreshTokenService } from './refresh-token.service.js';

/** `POST /v1/auth/refresh` for user and key token pairs alike. */
@Injectable()
export class TokenRefreshService {
  constructor(
    private readonly refreshTokens: RefreshTokenService,
    private readonly auth: AuthService,
  ) {}

  async refresh(token: string): Promise<TokenPairResponse> {
    const { subject, refreshToken } = await this.refreshTokens.rotate(token);
    if (subject.userId) return this.auth.refreshUser(subject.userId, subject.companyId, refreshToken);
    throw new DomainError('invalid_credentials', 'The refresh token is invalid, expired or already used.');
  }
}
