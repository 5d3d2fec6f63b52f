import { Column, CreateDateColumn, Entity } from 'typeorm';
import { UuidEntity } from '../../platform/database/uuid-entity.js';
import type { Role } from '../scopes/scope-catalogue.js';

@Entity('users')
export class User extends UuidEntity {
  @Column({ name: 'company_id', type: 'uuid' })
  companyId!: string;

  @Column({ type: 'varchar', length: 320 })
  email!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255, select: false })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Removed users keep their row so keys and audit events can still name them. */
  @Column({ name: 'removed_at', type: 'timestamptz', nullable: true })
  removedAt!: Date | null;
}
