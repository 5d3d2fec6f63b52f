import { Column, CreateDateColumn, Entity } from 'typeorm';
import { UuidEntity } from '../platform/database/uuid-entity.js';

/**
 * One `Idempotency-Key` of a company. While the first request runs, `lockId` holds its claim;
 * once it succeeded, the response is kept here (in the write's own transaction) for 24 hours.
 */
@Entity('idempotency_keys')
export class IdempotencyRecord extends UuidEntity {
  @Column({ name: 'company_id', type: 'uuid' })
  companyId!: string;

  @Column({ type: 'varchar', length: 255 })
  key!: string;

  /** SHA-256 of method, path and canonical JSON body. */
  @Column({ type: 'char', length: 64 })
  fingerprint!: string;

  @Column({ name: 'lock_id', type: 'uuid', nullable: true })
  lockId!: string | null;

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus!: number | null;

  /** The response body exactly as first sent (JSON text), or null for an empty body. */
  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
