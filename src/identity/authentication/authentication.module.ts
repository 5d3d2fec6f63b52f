import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { KeyCredentialsModule } from '../api-keys/key-credentials.module.js';
import { AuthenticationGuard } from './authentication.guard.js';
import { AuthenticationService } from './authentication.service.js';
import { LimitsRedis } from './limits-redis.js';
import { RateLimitStore } from './rate-limit.store.js';
import { Throttles } from './throttles.js';
import { TokensModule } from './tokens.module.js';

/** Authentication, the per-principal rate limit, the public endpoints' throttles and the access rules: one guard on every route. */
@Module({
  imports: [TokensModule, KeyCredentialsModule],
  providers: [
    AuthenticationService,
    LimitsRedis,
    RateLimitStore,
    Throttles,
    { provide: APP_GUARD, useClass: AuthenticationGuard },
  ],
  // Throttles: for PublicThrottleInterceptor, which @Throttled binds in the module of the route it throttles
  exports: [RateLimitStore, Throttles],
})
export class AuthenticationModule {}
