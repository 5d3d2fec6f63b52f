import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../../accounts/accounts.module.js';
import { TokensModule } from '../authentication/tokens.module.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { KeyCredentialsModule } from './key-credentials.module.js';
import { KeyTokenController } from '../sessions/key-token.controller.js';
import { KeyTokenService } from '../sessions/key-token.service.js';

/** API keys: management by users, token exchange by integrators. Verification lives in KeyCredentialsModule. */
@Module({
  imports: [TypeOrmModule.forFeature([ApiKey]), AccountsModule, TokensModule, KeyCredentialsModule],
  controllers: [ApiKeysController, KeyTokenController],
  providers: [ApiKeysService, KeyTokenService],
})
export class KeysModule {}
