import { Module } from '@nestjs/common';
import { ApiKeyCredentials } from './api-key-credentials.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeyHasher } from './api-key-hasher.js';
import { KeyUsageMeter } from './key-usage.meter.js';

/** Key verification, used by the bearer strategy and by token exchange and refresh; usage counting; the keys' repository. */
@Module({
  providers: [ApiKeyHasher, ApiKeyCredentials, KeyUsageMeter, ApiKeysRepository],
  exports: [ApiKeyHasher, ApiKeyCredentials, KeyUsageMeter, ApiKeysRepository],
})
export class KeyCredentialsModule {}
