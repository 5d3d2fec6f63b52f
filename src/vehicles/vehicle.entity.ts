import { Column, CreateDateColumn, Entity, UpdateDateColumn } from 'typeorm';
import { UuidEntity } from '../platform/database/uuid-entity.js';
import type { DvlaVehicleData, MotTest } from './lookup/vehicle-data.js';

export const LOOKUP_STATUSES = ['complete', 'pending', 'not_found'] as const;
export type LookupStatus = (typeof LOOKUP_STATUSES)[number];

@Entity('vehicles')
export class Vehicle extends UuidEntity {
  @Column({ name: 'company_id', type: 'uuid' })
  companyId!: string;

  /** Normalised: upper case, no spaces. Unique among the company's active (not archived) vehicles. */
  @Column({ type: 'varchar', length: 8 })
  registration!: string;

  @Column({ type: 'varchar', length: 17, nullable: true })
  vin!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  nickname!: string | null;

  @Column({ type: 'integer', nullable: true })
  mileage!: number | null;

  @Column({ name: 'lookup_status', type: 'varchar', length: 16 })
  lookupStatus!: LookupStatus;

  @Column({ type: 'jsonb', nullable: true })
  dvla!: DvlaVehicleData | null;

  @Column({ name: 'mot_tests', type: 'jsonb', default: () => "'[]'" })
  motTests!: MotTest[];

  @Column({ name: 'looked_up_at', type: 'timestamptz', nullable: true })
  lookedUpAt!: Date | null;

  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true })
  archivedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
