import { Column, CreateDateColumn, Entity } from 'typeorm';
import type { ActorRef } from '../platform/operations/operation.js';
import { UuidEntity } from '../platform/database/uuid-entity.js';

export const INSPECTION_STATUSES = ['draft', 'completed'] as const;
export type InspectionStatus = (typeof INSPECTION_STATUSES)[number];
export const ITEM_RESULTS = ['pass', 'fail', 'na'] as const;
export type ItemResult = (typeof ITEM_RESULTS)[number];
export const DAMAGE_SEVERITIES = ['minor', 'major'] as const;
export type DamageSeverity = (typeof DAMAGE_SEVERITIES)[number];

export interface InspectionItem {
  key: string;
  label: string;
  result: ItemResult;
  note: string | null;
}

export interface Damage {
  location: string;
  description: string;
  severity: DamageSeverity;
}

@Entity('inspections')
export class Inspection extends UuidEntity {
  @Column({ name: 'company_id', type: 'uuid' })
  companyId!: string;

  @Column({ name: 'vehicle_id', type: 'uuid' })
  vehicleId!: string;

  @Column({ name: 'template_id', type: 'uuid' })
  templateId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: InspectionStatus;

  @Column({ type: 'integer', nullable: true })
  mileage!: number | null;

  @Column({ name: 'fuel_level', type: 'double precision', nullable: true })
  fuelLevel!: number | null;

  @Column({ type: 'jsonb' })
  items!: InspectionItem[];

  @Column({ type: 'jsonb' })
  damages!: Damage[];

  @Column({ name: 'signed_by', type: 'varchar', length: 200, nullable: true })
  signedBy!: string | null;

  @Column({ name: 'signed_off_at', type: 'timestamptz', nullable: true })
  signedOffAt!: Date | null;

  @Column({ name: 'created_by', type: 'jsonb' })
  createdBy!: ActorRef;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
