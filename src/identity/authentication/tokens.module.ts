import { Module } from '@nestjs/common';
import { AccessTokenService } from './access-token.service.js';

/** Signing and verifying access tokens; a module of its own so accounts and keys can both issue them. */
@Module({
  providers: [AccessTokenService],
  exports: [AccessTokenService],
})
export class TokensModule {}
