import { Column, CreateDateColumn, Entity } from 'typeorm';
import { UuidEntity } from '../platform/database/uuid-entity.js';

export const LICENCE_STATUSES = ['valid', 'expired', 'revoked', 'disqualified'] as const;
export type LicenceStatus = (typeof LICENCE_STATUSES)[number];

export interface Endorsement {
  code: string;
  points: number;
  offenceDate: string;
  expiresAt: string;
}

/** A driver-licence check as DVLA answered it. The share code is never stored. */
export type LicenceSource = 'simulated' | 'dvla';
export const LICENCE_SOURCES: readonly LicenceSource[] = ['simulated', 'dvla'];
export interface LicenceWarning {
  code: 'licence_mismatch';
  message: string;
}

@Entity('licence_checks')
export class LicenceCheck extends UuidEntity {
  @Column({ name: 'company_id', type: 'uuid' })
  companyId!: string;

  @Column({ name: 'customer_id', type: 'uuid', nullable: true })
  customerId!: string | null;

  @Column({ name: 'licence_number', type: 'varchar', length: 16 })
  licenceNumber!: string;

  @Column({ name: 'checked_at', type: 'timestamptz' })
  checkedAt!: Date;

  @Column({ type: 'varchar', length: 16 })
  status!: LicenceStatus;

  @Column({ type: 'jsonb' })
  categories!: string[];

  @Column({ type: 'jsonb' })
  endorsements!: Endorsement[];

  @Column({ name: 'penalty_points', type: 'integer' })
  penaltyPoints!: number;

  @Column({ type: 'boolean' })
  flagged!: boolean;

  /** `simulated` (no DVLA contract configured) or `dvla`. */
  @Column({ type: 'varchar', length: 16 })
  source!: LicenceSource;

  @Column({ type: 'jsonb' })
  warnings!: LicenceWarning[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
