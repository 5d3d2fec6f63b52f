import { Module } from '@nestjs/common';
import { ApiKeyCredentials } from './api-key-credentials.js';
import { ApiKeyHasher } from './api-key-hasher.js';

/** Key verification, used by the bearer strategy and by token exchange and refresh. */
@Module({
  providers: [ApiKeyHasher, ApiKeyCredentials],
  exports: [ApiKeyHasher, ApiKeyCredentials],
})
export class KeyCredentialsModule {}
