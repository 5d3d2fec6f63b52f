import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ActorType, AuditOutcome, ChainedEvent } from './audit-chain.js';

/** One recorded call, as stored: append-only (the database refuses UPDATE, DELETE and TRUNCATE). */
@Entity('audit_events')
export class AuditEvent {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'company_id', type: 'uuid' })
  companyId!: string;

  /** bigint: the driver hands it over as a string. */
  @Column({ type: 'bigint' })
  seq!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'actor_type', type: 'varchar', length: 16 })
  actorType!: ActorType;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ name: 'actor_name', type: 'varchar', length: 200, nullable: true })
  actorName!: string | null;

  @Column({ name: 'actor_public_id', type: 'varchar', length: 64, nullable: true })
  actorPublicId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128 })
  requestId!: string;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ type: 'varchar', length: 10 })
  method!: string;

  @Column({ type: 'varchar', length: 2048 })
  path!: string;

  @Column({ name: 'resource_type', type: 'varchar', length: 64, nullable: true })
  resourceType!: string | null;

  @Column({ name: 'resource_id', type: 'varchar', length: 128, nullable: true })
  resourceId!: string | null;

  @Column({ type: 'integer' })
  status!: number;

  @Column({ type: 'varchar', length: 8 })
  outcome!: AuditOutcome;

  @Column({ name: 'credits_spent', type: 'integer' })
  creditsSpent!: number;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true })
  idempotencyKey!: string | null;

  /** JSON text, stored exactly as hashed (see canonicalEvent). */
  @Column({ type: 'text', nullable: true })
  changes!: string | null;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash!: string;

  @Column({ type: 'char', length: 64 })
  hash!: string;
}

/** The stored row as the hash chain sees it. */
export function toChained(row: AuditEvent): ChainedEvent {
  return {
    id: row.id,
    seq: Number(row.seq),
    occurredAt: row.occurredAt,
    companyId: row.companyId,
    actor: { type: row.actorType, id: row.actorId, name: row.actorName, publicId: row.actorPublicId },
    ip: row.ip,
    userAgent: row.userAgent,
    requestId: row.requestId,
    action: row.action,
    method: row.method,
    path: row.path,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    status: row.status,
    outcome: row.outcome,
    creditsSpent: row.creditsSpent,
    idempotencyKey: row.idempotencyKey,
    changes: row.changes,
  };
}
