import { Column, CreateDateColumn, Entity, UpdateDateColumn } from 'typeorm';
import { UuidEntity } from '../platform/database/uuid-entity.js';
import type { WebhookEventType } from './outbox-event.entity.js';

/** Why an endpoint stopped receiving events: it answered 410 Gone, it kept failing too long, or its owner turned it off. */
export type WebhookDisabledReason = 'gone' | 'failing' | 'manual';

@Entity('webhook_endpoints')
export class WebhookEndpoint extends UuidEntity {
  @Column({ name: 'company_id', type: 'uuid' })
  companyId!: string;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ type: 'text', array: true })
  events!: WebhookEventType[];

  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'disabled_reason', type: 'varchar', length: 32, nullable: true })
  disabledReason!: WebhookDisabledReason | null;

  /** The signing secret, encrypted at rest (it must stay usable to sign, so it cannot be hashed). */
  @Column({ name: 'secret_ciphertext', type: 'text', select: false })
  secretCiphertext!: string;

  /** The secret before the last rotation; it keeps signing until `previousSecretExpiresAt`. */
  @Column({ name: 'previous_secret_ciphertext', type: 'text', nullable: true, select: false })
  previousSecretCiphertext!: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', nullable: true })
  previousSecretExpiresAt!: Date | null;

  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures!: number;

  @Column({ name: 'failing_since', type: 'timestamptz', nullable: true })
  failingSince!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
