import { Column, CreateDateColumn, Entity } from 'typeorm';
import { UuidEntity } from '../../platform/database/uuid-entity.js';
import type { Scope } from '../scopes/scope-catalogue.js';

export type ApiKeyStatus = 'ACTIVE' | 'REVOKED' | 'EXPIRED';
export const API_KEY_STATUSES: readonly ApiKeyStatus[] = ['ACTIVE', 'REVOKED', 'EXPIRED'];
/** `revoked`: by a person; `creator_removed`: its creator left the company. */
export type RevokedReason = 'revoked' | 'creator_removed';

/** An API key: only keyed hashes of its secrets are stored; `publicId` is safe to log and show. */
@Entity('api_keys')
export class ApiKey extends UuidEntity {
  @Column({ name: 'company_id', type: 'uuid' })
  companyId!: string;

  @Column({ name: 'public_id', type: 'varchar', length: 32 })
  publicId!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  @Column({ name: 'secret_hash', type: 'char', length: 64 })
  secretHash!: string;

  /** The secret before the last rotation, accepted until `previousSecretValidUntil` (grace period). */
  @Column({ name: 'previous_secret_hash', type: 'char', length: 64, nullable: true })
  previousSecretHash!: string | null;

  @Column({ name: 'previous_secret_valid_until', type: 'timestamptz', nullable: true })
  previousSecretValidUntil!: Date | null;

  /** Every earlier secret, so presenting one answers `api_key_revoked` rather than `invalid_credentials`. */
  @Column({ name: 'retired_secret_hashes', type: 'text', array: true, default: () => "'{}'" })
  retiredSecretHashes!: string[];

  /** Bumped by each rotation; key tokens carry the generation they were issued for. */
  @Column({ type: 'integer', default: 1 })
  generation!: number;

  @Column({ type: 'text', array: true })
  scopes!: Scope[];

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  /** Normalised CIDR ranges; empty = any address. */
  @Column({ name: 'ip_allowlist', type: 'text', array: true, default: () => "'{}'" })
  ipAllowlist!: string[];

  @Column({ name: 'daily_credit_limit', type: 'integer', nullable: true })
  dailyCreditLimit!: number | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'rotated_at', type: 'timestamptz', nullable: true })
  rotatedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 32, nullable: true })
  revokedReason!: RevokedReason | null;

  /** The `expiresAt` the 7-day and the 1-day `api_key.expiring` events were sent for. */
  @Column({ name: 'expiry_warned_7d_for', type: 'timestamptz', nullable: true })
  expiryWarned7dFor!: Date | null;

  @Column({ name: 'expiry_warned_1d_for', type: 'timestamptz', nullable: true })
  expiryWarned1dFor!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'last_used_ip', type: 'varchar', length: 64, nullable: true })
  lastUsedIp!: string | null;

  status(now = new Date()): ApiKeyStatus {
    if (this.revokedAt) return 'REVOKED';
    if (this.expiresAt && this.expiresAt <= now) return 'EXPIRED';
    return 'ACTIVE';
  }
}
