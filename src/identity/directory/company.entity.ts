import { Column, CreateDateColumn, Entity } from 'typeorm';
import { UuidEntity } from '../../platform/database/uuid-entity.js';

@Entity('companies')
export class Company extends UuidEntity {
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'api_enabled', type: 'boolean', default: false })
  apiEnabled!: boolean;

  /** Normalised CIDR ranges; empty = any address. */
  @Column({ name: 'ip_allowlist', type: 'text', array: true, default: () => "'{}'" })
  ipAllowlist!: string[];

  @Column({ name: 'credit_balance', type: 'integer', default: 0 })
  creditBalance!: number;

  @Column({ name: 'low_balance_threshold', type: 'integer', default: 3 })
  lowBalanceThreshold!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
