import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig, requireSetting } from '../config/app-config.js';
import { AccessTokenService } from './access-token.service.js';

/** Signing and verifying access tokens; a module of its own so accounts and keys can both issue them. */
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ secret: requireSetting(config.JWT_SECRET, 'JWT_SECRET') }),
    }),
  ],
  providers: [AccessTokenService],
  exports: [AccessTokenService],
})
export class TokensModule {}
