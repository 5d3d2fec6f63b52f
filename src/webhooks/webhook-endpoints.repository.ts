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

  /** A delivery succeeded: the endpoint is no longer failing. */
  async markSucceeded(companyId: string, id: string): Promise<void> {
    await this.rows.update({ id, companyId }, { consecutiveFailures: 0, failingSince: null });
  }

  /** One more failure in a row; when the endpoint started failing (`at`, unless it already was). */
  async markFailing(companyId: string, id: string, at: Date): Promise<Date> {
    const result = await this.uow.manager
      .createQueryBuilder()
      .update(WebhookEndpoint)
      .set({ consecutiveFailures: () => 'consecutive_failures + 1', failingSince: () => 'COALESCE(failing_since, :at)' })
      .setParameters({ at })
      .where('id = :id AND company_id = :companyId', { id, companyId })
      .returning('failing_since')
      .execute();
    const rows = result.raw as { failing_since: Date | string }[];
    return rows.length > 0 ? new Date(rows[0].failing_since) : at;
  }

  /** Disables the endpoint unless it already is; the reason says why (`gone`, `failing`). */
  async disable(companyId: string, id: string, reason: 'gone' | 'failing'): Promise<void> {
    await this.rows.update({ id, companyId, enabled: true }, { enabled: false, disabledReason: reason });
  }

  async deleteForCompany(companyId: string, id: string): Promise<void> {
    await this.rows.delete({ id, companyId });
  }
}
