import { Column, CreateDateColumn, Entity } from 'typeorm';
import { UuidEntity } from '../platform/database/uuid-entity.js';

export interface TemplateItem {
  key: string;
  label: string;
}

/** A checklist an inspection follows. Every company has the starter templates (see starter-templates.ts). */
@Entity('inspection_templates')
export class InspectionTemplate extends UuidEntity {
  @Column({ name: 'company_id', type: 'uuid' })
  companyId!: string;

  @Column({ type: 'varchar', length: 32 })
  key!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'jsonb' })
  items!: TemplateItem[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
