import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { KeyCredentialsModule } from '../api-keys/key-credentials.module.js';
import { AuthenticationGuard } from './authentication.guard.js';
import { AuthenticationService } from './authentication.service.js';
import { BearerStrategy, bearerStrategyNameProvider } from './bearer.strategy.js';
import { RateLimitStore } from './rate-limit.store.js';
import { Throttles } from './throttles.js';
import { TokensModule } from './tokens.module.js';

/** Authentication, the per-principal rate limit, the public endpoints' throttles and the access rules: one guard on every route. */
@Module({
  imports: [PassportModule, TokensModule, KeyCredentialsModule],
  providers: [
    AuthenticationService,
    bearerStrategyNameProvider,
    BearerStrategy,
    RateLimitStore,
    Throttles,
    { provide: APP_GUARD, useClass: AuthenticationGuard },
  ],
  // Throttles: for PublicThrottleInterceptor, which @Throttled binds in the module of the route it throttles
  exports: [RateLimitStore, Throttles],
})
export class AuthenticationModule {}
