import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { KeyCredentialsModule } from '../api-keys/key-credentials.module.js';
import { AuthenticationGuard } from './authentication.guard.js';
import { AuthenticationService } from './authentication.service.js';
import { BearerStrategy, bearerStrategyNameProvider } from './bearer.strategy.js';
import { RateLimitStore } from './rate-limit.store.js';
import { TokensModule } from './tokens.module.js';

/** Authentication, the per-principal rate limit and the access rules: one guard on every route. */
@Module({
  imports: [PassportModule, TokensModule, KeyCredentialsModule],
  providers: [
    AuthenticationService,
    bearerStrategyNameProvider,
    BearerStrategy,
    RateLimitStore,
    { provide: APP_GUARD, useClass: AuthenticationGuard },
  ],
  exports: [RateLimitStore],
})
export class AuthenticationModule {}
