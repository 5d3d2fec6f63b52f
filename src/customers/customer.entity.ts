import { Column, CreateDateColumn, Entity, UpdateDateColumn } from 'typeorm';
import { UuidEntity } from '../platform/database/uuid-entity.js';

export interface CustomerAddress {
  line1: string;
  line2: string | null;
  city: string | null;
  postcode: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

export interface LicenceOnFile {
  number: string;
  expiresAt: string | null;
  categories: string[];
}

/** What a customer shows of its newest driver-licence check. */
export interface LicenceCheckSummary {
  id: string;
  checkedAt: string;
  status: string;
  penaltyPoints: number;
  flagged: boolean;
}

@Entity('customers')
export class Customer extends UuidEntity {
  @Column({ name: 'company_id', type: 'uuid' })
  companyId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** Lower case. */
  @Column({ type: 'varchar', length: 320, nullable: true })
  email!: string | null;

  /** E.164. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  phone!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  address!: CustomerAddress | null;

  /** YYYY-MM-DD. */
  @Column({ name: 'date_of_birth', type: 'date', nullable: true })
  dateOfBirth!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  licence!: LicenceOnFile | null;

  @Column({ name: 'latest_licence_check', type: 'jsonb', nullable: true })
  latestLicenceCheck!: LicenceCheckSummary | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
