import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TokensModule } from '../auth/tokens.module.js';
import { KeyCredentialsModule } from '../keys/key-credentials.module.js';
import { AccountController } from './account.controller.js';
import { AccountService } from './account.service.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { Company } from './company.entity.js';
import { PasswordHasher } from './password-hasher.js';
import { RefreshToken } from './refresh-token.entity.js';
import { RefreshTokenService } from './refresh-token.service.js';
import { TeamService } from './team.service.js';
import { TokenRefreshService } from './token-refresh.service.js';
import { User } from './user.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([Company, User, RefreshToken]), TokensModule, KeyCredentialsModule],
  controllers: [AuthController, AccountController],
  providers: [AuthService, AccountService, TeamService, PasswordHasher, RefreshTokenService, TokenRefreshService],
  exports: [RefreshTokenService, PasswordHasher],
})
export class AccountsModule {}
