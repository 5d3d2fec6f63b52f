import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKey } from './api-key.entity.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { KeyUsageService } from './key-usage.service.js';
import { ApiKeyExpiryWarnings } from './api-key-expiry-warnings.js';
import { KeyCredentialsModule } from './key-credentials.module.js';

/** API keys: management by users. Verification lives in KeyCredentialsModule, token exchange in sessions. */
@Module({
  imports: [TypeOrmModule.forFeature([ApiKey]), KeyCredentialsModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysService, KeyUsageService, ApiKeyExpiryWarnings],
  exports: [ApiKeysService],
})
export class ApiKeysModule {}
