import { Injectable } from '@nestjs/common';
import { TenantRepository } from '../platform/database/tenant-repository.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';

/** The company's webhook endpoints; their sealed secrets are read only when asked for (`hidden`). */
@Injectable()
export class WebhookEndpointsRepository extends TenantRepository<WebhookEndpoint> {
  constructor(uow: UnitOfWork) {
    super(uow, WebhookEndpoint, 'Webhook', 'endpoint');
  }

  /** The ids of the company's enabled endpoints subscribed to `type`. */
  async subscribedTo(companyId: string, type: string): Promise<string[]> {
    const endpoints = await this.forCompany(companyId)
      .select('endpoint.id')
      .andWhere('endpoint.enabled')
      .andWhere(':type = ANY(endpoint.events)', { type })
      .getMany();
    return endpoints.map((endpoint) => endpoint.id);
  }

  async deleteForCompany(companyId: string, id: string): Promise<void> {
    await this.rows.delete({ id, companyId });
  }
}
