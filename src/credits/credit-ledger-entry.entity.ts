import { Column, CreateDateColumn, Entity } from 'typeorm';
import { UuidEntity } from '../platform/database/uuid-entity.js';
import type { ActorRef, CreditCostRule } from '../platform/operations/operation.js';

export const LEDGER_REASONS = ['welcome', 'top_up', 'inspection', 'agreement', 'refund'] as const;
export type LedgerReason = (typeof LEDGER_REASONS)[number];
/** The resources a credit can be spent on; each is also the ledger reason of its debit. */
export type CreditResource = CreditCostRule['resource'];

/** Who changed the balance, in the same shape the audit log uses (`system` for backfilled rows). */
export type LedgerActor = ActorRef;

/** One change of a company's balance. The sum of a company's deltas always equals its balance. */
@Entity('credit_ledger')
export class CreditLedgerEntry extends UuidEntity {
  @Column({ name: 'company_id', type: 'uuid' })
  companyId!: string;

  @Column({ type: 'integer' })
  delta!: number;

  @Column({ name: 'balance_after', type: 'integer' })
  balanceAfter!: number;

  @Column({ type: 'varchar', length: 16 })
  reason!: LedgerReason;

  @Column({ name: 'resource_type', type: 'varchar', length: 32, nullable: true })
  resourceType!: string | null;

  @Column({ name: 'resource_id', type: 'uuid', nullable: true })
  resourceId!: string | null;

  @Column({ type: 'jsonb' })
  actor!: LedgerActor;

  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId!: string | null;

  @Column({ name: 'payment_reference', type: 'varchar', length: 200, nullable: true })
  paymentReference!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
