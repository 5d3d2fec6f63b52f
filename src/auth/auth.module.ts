import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AccessGuard, BearerAuthGuard } from './access.guard.js';
import { AuthenticationService } from './authentication.service.js';
import { BearerStrategy } from './bearer.strategy.js';
import { TokensModule } from './tokens.module.js';

/** Authentication (bearer strategy → Principal) and authorisation (access rules), applied to every route. */
@Module({
  imports: [PassportModule, TokensModule],
  providers: [
    AuthenticationService,
    BearerStrategy,
    { provide: APP_GUARD, useClass: BearerAuthGuard },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AuthenticationService],
})
export class AuthModule {}
