import { Module } from '@nestjs/common';
import { DirectoryModule } from '../identity/directory/directory.module.js';
import { SessionsModule } from '../identity/sessions/sessions.module.js';
import { ApiKeysModule } from '../identity/api-keys/api-keys.module.js';
import { AccountController } from './account.controller.js';
import { AccountService } from './account.service.js';
import { TeamService } from './team.service.js';

/** The company's settings (API access, allowlist) and its team. */
@Module({
  imports: [DirectoryModule, SessionsModule, ApiKeysModule],
  controllers: [AccountController],
  providers: [AccountService, TeamService],
})
export class AccountsModule {}
