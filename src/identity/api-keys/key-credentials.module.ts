import { Module } from '@nestjs/common';
import { ApiKeyCredentials } from './api-key-credentials.js';
import { ApiKeyHasher } from './api-key-hasher.js';
import { KeyUsageMeter } from './key-usage.meter.js';

/** Key verification, used by the bearer strategy and by token exchange and refresh; usage counting. */
@Module({
  providers: [ApiKeyHasher, ApiKeyCredentials, KeyUsageMeter],
  exports: [ApiKeyHasher, ApiKeyCredentials, KeyUsageMeter],
})
export class KeyCredentialsModule {}
