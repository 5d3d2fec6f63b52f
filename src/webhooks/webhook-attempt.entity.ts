import { Column, Entity } from 'typeorm';
import { UuidEntity } from '../platform/database/uuid-entity.js';

/** One HTTP try of a delivery: when, what the endpoint answered, how long it took, what went wrong. */
@Entity('webhook_attempts')
export class WebhookAttempt extends UuidEntity {
  @Column({ name: 'delivery_id', type: 'uuid' })
  deliveryId!: string;

  @Column({ name: 'attempted_at', type: 'timestamptz' })
  attemptedAt!: Date;

  @Column({ name: 'http_status', type: 'integer', nullable: true })
  httpStatus!: number | null;

  /** Null while the attempt is in flight. */
  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error!: string | null;

  /** Set while the attempt runs (its lease); an attempt past it was interrupted by a crash. */
  @Column({ name: 'in_flight_until', type: 'timestamptz', nullable: true })
  inFlightUntil!: Date | null;
}
