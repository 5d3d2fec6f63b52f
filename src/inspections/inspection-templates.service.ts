import { Injectable } from '@nestjs/common';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import { invalid } from '../platform/http/validation.pipe.js';
import { mapPage, paginate } from '../platform/http/pagination/keyset.js';
import type { Page, PageQuery } from '../platform/http/pagination/page-query.dto.js';
import { newId } from '../platform/database/uuid-entity.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { InspectionTemplateResponse } from './dto/inspection.dto.js';
import { InspectionTemplate } from './inspection-template.entity.js';
import { STARTER_TEMPLATES } from './starter-templates.js';

/**
 * A company's inspection templates. The starter templates are created for a company the first time it
 * touches inspections (idempotently: a unique (company_id, key) settles concurrent first uses), so a
 * company that signs up later gets them as surely as one that existed when they were introduced.
 */
@Injectable()
export class InspectionTemplatesService {
  constructor(private readonly uow: UnitOfWork) {}

  async list(principal: Principal, page: PageQuery): Promise<Page<InspectionTemplateResponse>> {
    await this.ensureStarterTemplates(principal.companyId);
    const query = this.uow
      .repository(InspectionTemplate)
      .createQueryBuilder('template')
      .where('template.companyId = :companyId', { companyId: principal.companyId });
    return mapPage(await paginate(query, page), InspectionTemplateResponse.of);
  }

  /** The template an inspection names by id (404 when not the company's) or by key (400 when unknown). */
  async resolve(companyId: string, reference: { templateId?: string; templateKey?: string }): Promise<InspectionTemplate> {
    const { templateId, templateKey } = reference;
    if (templateId === undefined && templateKey === undefined) {
      throw invalid([{ field: 'templateId', message: 'templateId or templateKey is required' }]);
    }
    await this.ensureStarterTemplates(companyId);
    const templates = this.uow.repository(InspectionTemplate);
    const template = templateId
      ? await templates.findOneBy({ companyId, id: templateId })
      : await templates.findOneBy({ companyId, key: templateKey });
    if (!template) {
      if (templateId) throw DomainError.notFound('Inspection template');
      throw invalid([{ field: 'templateKey', message: `is not a template of this company (${STARTER_TEMPLATES.map((t) => t.key).join(', ')}, …)` }]);
    }
    if (templateId && templateKey !== undefined && template.key !== templateKey) {
      throw invalid([{ field: 'templateKey', message: 'does not match templateId' }]);
    }
    return template;
  }

  async findById(companyId: string, id: string): Promise<InspectionTemplate | null> {
    return this.uow.repository(InspectionTemplate).findOneBy({ companyId, id });
  }

  private async ensureStarterTemplates(companyId: string): Promise<void> {
    const templates = this.uow.repository(InspectionTemplate);
    if (await templates.existsBy({ companyId })) return;
    // ids newest-first in the catalogue's order, so the list shows check-out, check-in, damage
    const ids = STARTER_TEMPLATES.map(() => newId()).reverse();
    await templates
      .createQueryBuilder()
      .insert()
      .values(STARTER_TEMPLATES.map((starter, index) => ({ id: ids[index], companyId, ...starter })))
      .orIgnore()
      .execute();
  }
}
