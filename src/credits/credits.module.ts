import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CreditDebitService } from './credit-debit.service.js';
import { CreditLedgerEntry } from './credit-ledger-entry.entity.js';
import { CreditLedgerRepository } from './credit-ledger.repository.js';
import { DirectoryModule } from '../identity/directory/directory.module.js';
import { CreditsController } from './credits.controller.js';
import { CreditsService } from './credits.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([CreditLedgerEntry]), DirectoryModule],
  controllers: [CreditsController],
  providers: [CreditsService, CreditDebitService, CreditLedgerRepository],
  exports: [CreditDebitService],
})
export class CreditsModule {}
