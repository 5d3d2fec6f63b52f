import { Foundation1763870400000 } from './1763870400000-foundation.js';
import { ApiKeys1763870500000 } from './1763870500000-api-keys.js';
import { CreditsLedgerIdempotency1763870700000 } from './1763870700000-credits-ledger-idempotency.js';
import { AuditLog1763870800000 } from './1763870800000-audit-log.js';
import { Webhooks1763870900000 } from './1763870900000-webhooks.js';
import { FleetRecords1763871000000 } from './1763871000000-fleet-records.js';
import { InspectionsAgreements1763871200000 } from './1763871200000-inspections-agreements.js';
import { RefreshTokenKeyGeneration1763871300000 } from './1763871300000-refresh-token-key-generation.js';
import { AuditGuard1763871900000 } from './1763871900000-audit-guard.js';
import { Contract111764100000000 } from './1764100000000-contract-1-1.js';
import { LicenceCheckSource1764100100000 } from './1764100100000-licence-check-source.js';
import { WebhookAttemptsInFlight1764100900000 } from './1764100900000-webhook-attempts-in-flight.js';
import { AuditCheckpoints1764101000000 } from './1764101000000-audit-checkpoints.js';
import { HotRowsAuditAppend1764101100000 } from './1764101100000-hot-rows-audit-append.js';
import { CompanyScanLeases1764101200000 } from './1764101200000-company-scan-leases.js';
import { CreditLedgerFilters1764102000000 } from './1764102000000-credit-ledger-filters.js';
import { AuditAppendClock1764102100000 } from './1764102100000-audit-append-clock.js';
import { AuditAppendAtCommit1764103000000 } from './1764103000000-audit-append-at-commit.js';
import { CreditDebitAtCommit1764103100000 } from './1764103100000-credit-debit-at-commit.js';
import { InspectionVehicleOfCompany1764103200000 } from './1764103200000-inspection-vehicle-of-company.js';
import { CompanyReferencesUnlocked1764103300000 } from './1764103300000-company-references-unlocked.js';
import { InspectionTemplatesFixed1764103400000 } from './1764103400000-inspection-templates-fixed.js';
import { AuditChainedAfterCommit1764103500000 } from './1764103500000-audit-chained-after-commit.js';
import { CreditDebitStagedStatement1764103600000 } from './1764103600000-credit-debit-staged-statement.js';
import { InspectionReferencesUnlocked1764103700000 } from './1764103700000-inspection-references-unlocked.js';
import { UuidV7OneExpression1764103800000 } from './1764103800000-uuid-v7-one-expression.js';
import { AuditFilterIndexesPartial1764103900000 } from './1764103900000-audit-filter-indexes-partial.js';

/** Every migration, oldest first. Append new ones; never change what a committed one runs (a later one may import its frozen SQL). */
export const migrations = [
  Foundation1763870400000, ApiKeys1763870500000, CreditsLedgerIdempotency1763870700000, AuditLog1763870800000, Webhooks1763870900000, FleetRecords1763871000000, InspectionsAgreements1763871200000,
  RefreshTokenKeyGeneration1763871300000, AuditGuard1763871900000,
  Contract111764100000000, LicenceCheckSource1764100100000, WebhookAttemptsInFlight1764100900000, AuditCheckpoints1764101000000,
  HotRowsAuditAppend1764101100000, CompanyScanLeases1764101200000,
  CreditLedgerFilters1764102000000, AuditAppendClock1764102100000, AuditAppendAtCommit1764103000000, CreditDebitAtCommit1764103100000,
  InspectionVehicleOfCompany1764103200000, CompanyReferencesUnlocked1764103300000, InspectionTemplatesFixed1764103400000, AuditChainedAfterCommit1764103500000,
  CreditDebitStagedStatement1764103600000, InspectionReferencesUnlocked1764103700000, UuidV7OneExpression1764103800000, AuditFilterIndexesPartial1764103900000,
];
