import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CreditDebitService } from './credit-debit.service.js';
import { CreditLedgerEntry } from './credit-ledger-entry.entity.js';
import { CreditsController } from './credits.controller.js';
import { CreditsService } from './credits.service.js';

/** Global: the write interceptor spends credits and sign-up records the welcome credits. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([CreditLedgerEntry])],
  controllers: [CreditsController],
  providers: [CreditsService, CreditDebitService],
  exports: [CreditsService, CreditDebitService],
})
export class CreditsModule {}
