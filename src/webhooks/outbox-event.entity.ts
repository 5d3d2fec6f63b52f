import { Column, CreateDateColumn, Entity } from 'typeorm';
import { UuidEntity } from '../platform/database/uuid-entity.js';
import { OUTBOX_EVENT_TYPES, type OutboxEventType } from '../platform/operations/ports.js';

export const WEBHOOK_EVENT_TYPES = OUTBOX_EVENT_TYPES;
export type WebhookEventType = OutboxEventType;

/** An event a change caused, written in the change's own transaction; webhooks deliver it from here. */
@Entity('outbox_events')
export class OutboxEvent extends UuidEntity {
  @Column({ name: 'company_id', type: 'uuid' })
  companyId!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: WebhookEventType;

  /** The resource the event is about (`data.id` is its id). */
  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
