import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TokensModule } from '../identity/authentication/tokens.module.js';
import { KeyCredentialsModule } from '../identity/api-keys/key-credentials.module.js';
import { AccountController } from './account.controller.js';
import { AccountService } from './account.service.js';
import { AuthController } from '../identity/sessions/sessions.controller.js';
import { AuthService } from '../identity/sessions/sessions.service.js';
import { Company } from '../identity/directory/company.entity.js';
import { PasswordHasher } from '../identity/directory/password-hasher.js';
import { RefreshToken } from '../identity/sessions/refresh-token.entity.js';
import { RefreshTokenService } from '../identity/sessions/refresh-token.service.js';
import { TeamService } from './team.service.js';
import { TokenRefreshService } from '../identity/sessions/token-refresh.service.js';
import { User } from '../identity/directory/user.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([Company, User, RefreshToken]), TokensModule, KeyCredentialsModule],
  controllers: [AuthController, AccountController],
  providers: [AuthService, AccountService, TeamService, PasswordHasher, RefreshTokenService, TokenRefreshService],
  exports: [RefreshTokenService, PasswordHasher],
})
export class AccountsModule {}
