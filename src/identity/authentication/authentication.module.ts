import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { KeyCredentialsModule } from '../api-keys/key-credentials.module.js';
import { AccessGuard, BearerAuthGuard } from './access.guard.js';
import { AuthenticationService } from './authentication.service.js';
import { BearerStrategy, bearerStrategyNameProvider } from './bearer.strategy.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RateLimitStore } from './rate-limit.store.js';
import { TokensModule } from './tokens.module.js';

/**
 * Authentication (bearer strategy → Principal), the per-principal rate limit and authorisation
 * (access rules), applied to every route in that order.
 */
@Module({
  imports: [PassportModule, TokensModule, KeyCredentialsModule],
  providers: [
    AuthenticationService,
    bearerStrategyNameProvider,
    BearerStrategy,
    RateLimitStore,
    { provide: APP_GUARD, useClass: BearerAuthGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AuthenticationService, RateLimitStore],
})
export class AuthModule {}
