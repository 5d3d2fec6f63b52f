import { Injectable } from '@nestjs/common';
import { TenantRepository } from '../platform/database/tenant-repository.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { newId } from '../platform/database/uuid-entity.js';
import { InspectionTemplate } from './inspection-template.entity.js';
import { STARTER_TEMPLATES } from './starter-templates.js';

/** The only way into the `inspection_templates` table; every lookup takes the company first. */
@Injectable()
export class InspectionTemplatesRepository extends TenantRepository<InspectionTemplate> {
  constructor(uow: UnitOfWork) {
    super(uow, InspectionTemplate, 'Inspection template', 'template');
  }

  findByKey(companyId: string, key: string): Promise<InspectionTemplate | null> {
    return this.rows.findOneBy({ companyId, key });
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
