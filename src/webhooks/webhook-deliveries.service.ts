import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import { paginate } from '../platform/http/pagination/keyset.js';
import { Page } from '../platform/http/pagination/page-query.dto.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { DeliveryResponse, type DeliveryListQuery } from './dto/webhook.dto.js';
import { OutboxEvent } from './outbox-event.entity.js';
import { WebhookAttempt } from './webhook-attempt.entity.js';
import { DeliveryQueue } from './webhook-delivery.queue.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';

/** What happened to each event sent to an endpoint, and replays of deliveries. */
@Injectable()
export class WebhookDeliveriesService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly queue: DeliveryQueue,
  ) {}

  async list(principal: Principal, endpointId: string, query: DeliveryListQuery): Promise<Page<DeliveryResponse>> {
    const endpoint = await this.uow.repository(WebhookEndpoint).findOneBy({ id: endpointId, companyId: principal.companyId });
    if (!endpoint) throw DomainError.notFound('Webhook');
    const builder = this.uow
      .repository(WebhookDelivery)
      .createQueryBuilder('delivery')
      .where('delivery.endpoint_id = :endpointId AND delivery.company_id = :companyId', { endpointId, companyId: principal.companyId });
    if (query.status) builder.andWhere('delivery.status = :status', { status: query.status });
    const page = await paginate(builder, query);
    return new Page(await this.describe(page.data), page.nextCursor);
  }

  /** Replays a finished delivery now (one attempt, same `webhook-id`); its endpoint must be enabled. */
  async retry(principal: Principal, deliveryId: string): Promise<DeliveryResponse> {
    const deliveries = this.uow.repository(WebhookDelivery);
    const delivery = await deliveries
      .createQueryBuilder('delivery')
      .where('delivery.id = :deliveryId AND delivery.company_id = :companyId', { deliveryId, companyId: principal.companyId })
      .setLock('pessimistic_write')
      .getOne();
    if (!delivery) throw DomainError.notFound('Delivery');
    if (delivery.status === 'pending') throw new DomainError('conflict', 'The delivery is already pending.');
    const endpoint = await this.uow.repository(WebhookEndpoint).findOneByOrFail({ id: delivery.endpointId });
    if (!endpoint.enabled) throw new DomainError('conflict', 'The webhook endpoint is disabled; re-enable it first.');
    Object.assign(delivery, { status: 'pending', nextAttemptAt: new Date() });
    await deliveries.update({ id: delivery.id }, { status: 'pending', nextAttemptAt: delivery.nextAttemptAt });
    await this.queue.replayJob(delivery.id);
    const [response] = await this.describe([delivery]);
    return response;
  }

  private async describe(deliveries: WebhookDelivery[]): Promise<DeliveryResponse[]> {
    if (deliveries.length === 0) return [];
    const ids = deliveries.map((delivery) => delivery.id);
    const events = await this.uow
      .repository(OutboxEvent)
      .find({ select: { id: true, type: true }, where: { id: In(deliveries.map((delivery) => delivery.eventId)) } });
    const attempts = await this.uow.repository(WebhookAttempt).find({ where: { deliveryId: In(ids) }, order: { id: 'ASC' } });
    const typeOf = new Map(events.map((event) => [event.id, event.type]));
    return deliveries.map((delivery) =>
      DeliveryResponse.of(
        delivery,
        typeOf.get(delivery.eventId) ?? 'webhook.test',
        attempts.filter((attempt) => attempt.deliveryId === delivery.id),
      ),
    );
  }
}
