import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKey } from './api-key.entity.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { KeyUsageService } from './key-usage.service.js';
import { KeyUsageRepository } from './key-usage.repository.js';
import { ApiKeyExpiryWarnings } from './api-key-expiry-warnings.js';
import { KeyCredentialsModule } from './key-credentials.module.js';
import { DirectoryModule } from '../directory/directory.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';

/** API keys: management by users. Verification lives in KeyCredentialsModule, token exchange in sessions. */
@Module({
  imports: [TypeOrmModule.forFeature([ApiKey]), KeyCredentialsModule, DirectoryModule, SessionsModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysService, KeyUsageService, KeyUsageRepository, ApiKeyExpiryWarnings],
  exports: [ApiKeysService],
})
export class ApiKeysModule {}
