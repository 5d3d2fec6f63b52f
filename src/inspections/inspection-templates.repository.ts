import { Injectable } from '@nestjs/common';
import { TenantRepository } from '../platform/database/tenant-repository.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { newId } from '../platform/database/uuid-entity.js';
import { InspectionTemplate, type TemplateItem } from './inspection-template.entity.js';
import { STARTER_TEMPLATES } from './starter-templates.js';

const BY_KEY_SQL = `SELECT id, company_id, key, name, items, created_at FROM inspection_templates WHERE company_id = $1 AND key = $2`;

interface TemplateRow {
  id: string;
  company_id: string;
  key: string;
  name: string;
  items: TemplateItem[];
  created_at: Date;
}

/** The only way into the `inspection_templates` table; every lookup takes the company first. */
@Injectable()
export class InspectionTemplatesRepository extends TenantRepository<InspectionTemplate> {
  constructor(uow: UnitOfWork) {
    super(uow, InspectionTemplate, 'Inspection template', 'template');
  }

  /** An inspection create's lookup (`templateKey`): one prepared statement, no query building. */
  async findByKey(companyId: string, key: string): Promise<InspectionTemplate | null> {
    const [row] = await this.uow.queryPrepared<TemplateRow>('inspection_template_by_key', BY_KEY_SQL, [companyId, key]);
    return row ? Object.assign(new InspectionTemplate(), { id: row.id, companyId: row.company_id, key: row.key, name: row.name, items: row.items, createdAt: row.created_at }) : null;
  }

  /**
   * Creates the starter templates for a company that has no template yet; a unique (company_id, key)
   * settles concurrent first uses.
   */
  async ensureStarterTemplates(companyId: string): Promise<void> {
    if (await this.rows.existsBy({ companyId })) return;
    // ids newest-first in the catalogue's order, so the list shows check-out, check-in, damage
    const ids = STARTER_TEMPLATES.map(() => newId()).reverse();
    await this.rows
      .createQueryBuilder()
      .insert()
      .values(STARTER_TEMPLATES.map((starter, index) => ({ id: ids[index], companyId, ...starter })))
      .orIgnore()
      .execute();
  }
}
