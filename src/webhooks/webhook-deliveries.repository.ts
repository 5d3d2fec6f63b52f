import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import type { Page, PageQuery } from '../platform/http/pagination/page-query.dto.js';
import { TenantRepository } from '../platform/database/tenant-repository.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { OutboxEvent, type WebhookEventType } from './outbox-event.entity.js';
import { WebhookAttempt } from './webhook-attempt.entity.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';

/** The company's webhook events, their deliveries (one per endpoint) and each delivery's attempts. */
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

  addEvent(companyId: string, type: WebhookEventType, data: Record<string, unknown>): Promise<OutboxEvent> {
    const events = this.uow.repository(OutboxEvent);
    return events.save(events.create({ companyId, type, data }));
  }

  /** A new delivery of the event to the endpoint, due now. */
  add(companyId: string, endpointId: string, eventId: string): Promise<WebhookDelivery> {
    return this.save(this.create({ companyId, endpointId, eventId, status: 'pending', attemptCount: 0, nextAttemptAt: new Date() }));
  }

  async markPending(companyId: string, id: string, nextAttemptAt: Date): Promise<void> {
    await this.rows.update({ id, companyId }, { status: 'pending', nextAttemptAt });
  }

  /** Makes the endpoint's deliveries that failed, created since `since`, pending again; their ids. */
  async requeueFailedSince(companyId: string, endpointId: string, since: Date): Promise<string[]> {
    // an UPDATE through TypeORM's query() answers [rows, affected]
    const [failed] = await this.uow.manager.query<[Array<{ id: string }>, number]>(
      `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now()
       WHERE company_id = $1 AND endpoint_id = $2 AND status = 'failed' AND created_at >= $3
       RETURNING id`,
      [companyId, endpointId, since],
    );
    return failed.map(({ id }) => id);
  }

  hasAttemptInFlight(companyId: string, deliveryId: string): Promise<boolean> {
    return this.attemptsOfCompany(companyId, [deliveryId]).andWhere('attempt.inFlightUntil IS NOT NULL').getExists();
  }

  /** The type of each of the company's events, by event id. */
  async eventTypes(companyId: string, eventIds: string[]): Promise<Map<string, WebhookEventType>> {
    const events = await this.uow.repository(OutboxEvent).find({ select: { id: true, type: true }, where: { companyId, id: In(eventIds) } });
    return new Map(events.map((event) => [event.id, event.type]));
  }

  /** The attempts of these deliveries of the company, oldest first. */
  attemptsOf(companyId: string, deliveryIds: string[]): Promise<WebhookAttempt[]> {
    return this.attemptsOfCompany(companyId, deliveryIds).orderBy('attempt.id', 'ASC').getMany();
  }

  /** Attempts carry no company of their own: their delivery's says whose they are. */
  private attemptsOfCompany(companyId: string, deliveryIds: string[]) {
    return this.uow
      .repository(WebhookAttempt)
      .createQueryBuilder('attempt')
      .innerJoin(WebhookDelivery, 'delivery', 'delivery.id = attempt.deliveryId AND delivery.companyId = :companyId', { companyId })
      .where('attempt.deliveryId IN (:...deliveryIds)', { deliveryIds });
  }
}
