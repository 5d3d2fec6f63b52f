import { Column, CreateDateColumn, Entity } from 'typeorm';
import type { ActorRef } from '../platform/operations/operation.js';
import { UuidEntity } from '../platform/database/uuid-entity.js';

export const AGREEMENT_STATUSES = ['pending_signature', 'signed'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

/** A rental of a vehicle to a customer. Money is numeric(11,2) in the database and a decimal string in code. */
@Entity('rental_agreements')
export class RentalAgreement extends UuidEntity {
  @Column({ name: 'company_id', type: 'uuid' })
  companyId!: string;

  @Column({ name: 'vehicle_id', type: 'uuid' })
  vehicleId!: string;

  @Column({ name: 'customer_id', type: 'uuid' })
  customerId!: string;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt!: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt!: Date;

  /** ISO 4217, of the daily rate and the deposit alike. */
  @Column({ type: 'char', length: 3 })
  currency!: string;

  /** Decimal string with two places, e.g. "45.00" (the pg driver returns numeric as a string). */
  @Column({ name: 'daily_rate', type: 'numeric', precision: 11, scale: 2 })
  dailyRate!: string;

  @Column({ type: 'numeric', precision: 11, scale: 2, nullable: true })
  deposit!: string | null;

  @Column({ name: 'mileage_limit', type: 'integer', nullable: true })
  mileageLimit!: number | null;

  @Column({ type: 'text', nullable: true })
  terms!: string | null;

  @Column({ type: 'varchar', length: 24 })
  status!: AgreementStatus;

  @Column({ name: 'signed_by', type: 'varchar', length: 200, nullable: true })
  signedBy!: string | null;

  @Column({ name: 'signed_at', type: 'timestamptz', nullable: true })
  signedAt!: Date | null;

  @Column({ name: 'created_by', type: 'jsonb' })
  createdBy!: ActorRef;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
