import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import { invalid } from '../platform/http/validation.pipe.js';
import { mapPage } from '../platform/http/pagination/keyset.js';
import type { Page, PageQuery } from '../platform/http/pagination/page-query.dto.js';
import { InspectionTemplateResponse } from './dto/inspection.dto.js';
import type { InspectionTemplate } from './inspection-template.entity.js';
import { InspectionTemplatesRepository } from './inspection-templates.repository.js';
import { STARTER_TEMPLATES } from './starter-templates.js';

/** How many templates (by company and id or key) an instance keeps: those of its recently busy companies. */
const TEMPLATES_KEPT = 10_000;

/**
 * A company's inspection templates. The starter templates are created for a company the first time it
 * touches inspections (idempotently: a unique (company_id, key) settles concurrent first uses), so a
 * company that signs up later gets them as surely as one that existed when they were introduced.
 */
@Injectable()
export class InspectionTemplatesService {
  /**
   * Templates an inspection create has found stored before its own transaction: a stored template
   * never changes (the database refuses UPDATE and DELETE, migration 1764103400000), so each instance
   * keeps the ones it has read and a create reads none in its transaction. Frozen: requests share them.
   */
  private readonly kept = new LRUCache<string, InspectionTemplate>({ max: TEMPLATES_KEPT });

  constructor(private readonly templates: InspectionTemplatesRepository) {}

  async list(principal: Principal, page: PageQuery): Promise<Page<InspectionTemplateResponse>> {
    await this.templates.ensureStarterTemplates(principal.companyId);
    return mapPage(await this.templates.listForCompany(principal.companyId, page), InspectionTemplateResponse.of);
  }

  /** The template an inspection names by id (404 when not the company's) or by key (400 when unknown). */
  async resolve(companyId: string, reference: { templateId?: string; templateKey?: string }): Promise<InspectionTemplate> {
    const { templateId, templateKey } = reference;
    if (templateId === undefined && templateKey === undefined) {
      throw invalid([{ field: 'templateId', message: 'templateId or templateKey is required' }]);
    }
    const find = () => (templateId ? this.templates.findForCompany(companyId, templateId) : this.templates.findByKey(companyId, templateKey!));
    const keptAs = templateId ? `${companyId} id ${templateId}` : `${companyId} key ${templateKey}`;
    let template = this.kept.get(keptAs) ?? null;
    if (!template) {
      template = await find();
      // the transaction's first look, before it could have made any template (below): what it finds is committed
      if (template) this.kept.set(keptAs, frozen(template));
    }
    // not found: make sure the starter templates exist, then look again (a concurrent first use may
    // have just committed them, so the second look is needed even when this one made none); what this
    // transaction made is not kept, as it may yet roll back
    if (!template) {
      await this.templates.ensureStarterTemplates(companyId);
      template = await find();
    }
    if (!template) {
      if (templateId) throw DomainError.notFound('Inspection template');
      throw invalid([{ field: 'templateKey', message: `is not a template of this company (${STARTER_TEMPLATES.map((t) => t.key).join(', ')}, …)` }]);
    }
    if (templateId && templateKey !== undefined && template.key !== templateKey) {
      throw invalid([{ field: 'templateKey', message: 'does not match templateId' }]);
    }
    return template;
  }
}

function frozen(template: InspectionTemplate): InspectionTemplate {
  for (const item of template.items) Object.freeze(item);
  Object.freeze(template.items);
  Object.freeze(template);
  return template;
}
