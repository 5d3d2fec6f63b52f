import { Column, CreateDateColumn, Entity } from 'typeorm';
import { UuidEntity } from '../../platform/database/uuid-entity.js';

/** One refresh token; all tokens issued from one sign-in (or key exchange) share a family. */
@Entity('refresh_tokens')
export class RefreshToken extends UuidEntity {
  @Column({ name: 'family_id', type: 'uuid' })
  familyId!: string;

  /** SHA-256 of the token: it is random, so a fast unkeyed hash is enough to make a stolen table useless. */
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash!: string;

  @Column({ name: 'company_id', type: 'uuid' })
  companyId!: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @Column({ name: 'api_key_public_id', type: 'varchar', length: 32, nullable: true })
  apiKeyPublicId!: string | null;

  /** For key token families: the secret generation they were exchanged from. */
  @Column({ name: 'api_key_generation', type: 'integer', nullable: true })
  apiKeyGeneration!: number | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'spent_at', type: 'timestamptz', nullable: true })
  spentAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
