import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import type { Page, PageQuery } from '../platform/http/pagination/page-query.dto.js';
import { TenantRepository } from '../platform/database/tenant-repository.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { OutboxEvent, type WebhookEventType } from './outbox-event.entity.js';
import { WebhookAttempt } from './webhook-attempt.entity.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';

/** The company's webhook deliveries, with the events they carry and their attempts. */
@Injectable()
export class WebhookDeliveriesRepository extends TenantRepository<WebhookDelivery> {
  constructor(uow: UnitOfWork) {
    super(uow, WebhookDelivery, 'Delivery', 'delivery');
  }

  listForEndpoint(companyId: string, endpointId: string, query: PageQuery & { status?: WebhookDelivery['status'] }): Promise<Page<WebhookDelivery>> {
    return this.pageForCompany(companyId, query, (builder) => {
      builder.andWhere('delivery.endpointId = :endpointId', { endpointId });
      if (query.status) builder.andWhere('delivery.status = :status', { status: query.status });
    });
  }

  async markPending(id: string, nextAttemptAt: Date): Promise<void> {
    await this.rows.update({ id }, { status: 'pending', nextAttemptAt });
  }

  /** The type of each event, by event id. */
  async eventTypes(eventIds: string[]): Promise<Map<string, WebhookEventType>> {
    const events = await this.uow.repository(OutboxEvent).find({ select: { id: true, type: true }, where: { id: In(eventIds) } });
    return new Map(events.map((event) => [event.id, event.type]));
  }

  /** The attempts of these deliveries, oldest first. */
  attemptsOf(deliveryIds: string[]): Promise<WebhookAttempt[]> {
    return this.uow.repository(WebhookAttempt).find({ where: { deliveryId: In(deliveryIds) }, order: { id: 'ASC' } });
  }
}
