import { Module } from '@nestjs/common';
import { SignInAudit } from './sign-in-audit.js';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KeyCredentialsModule } from '../api-keys/key-credentials.module.js';
import { AuthenticationModule } from '../authentication/authentication.module.js';
import { TokensModule } from '../authentication/tokens.module.js';
import { DirectoryModule } from '../directory/directory.module.js';
import { KeyTokenController } from './key-token.controller.js';
import { KeyTokenService } from './key-token.service.js';
import { RefreshToken } from './refresh-token.entity.js';
import { RefreshTokenService } from './refresh-token.service.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';
import { SessionsController } from './sessions.controller.js';
import { SessionsService } from './sessions.service.js';
import { TokenRefreshService } from './token-refresh.service.js';

/** Every /v1/auth/* route: sign-up, login, refresh, who-am-I, and exchanging an API key for tokens. */
@Module({
  imports: [TypeOrmModule.forFeature([RefreshToken]), AuthenticationModule, TokensModule, KeyCredentialsModule, DirectoryModule],
  controllers: [SessionsController, KeyTokenController],
  providers: [SessionsService, TokenRefreshService, RefreshTokenService, RefreshTokensRepository, KeyTokenService, SignInAudit],
  exports: [RefreshTokensRepository],
})
export class SessionsModule {}
