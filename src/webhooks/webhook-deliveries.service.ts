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

  /**
   * Sends a delivery now (same `webhook-id`); its endpoint must be enabled. A finished one gets one
   * more attempt; one waiting for its automatic retry is sent now in that retry's place (the schedule
   * goes on after it). 409 only while an attempt is in flight.
   */
  async retry(principal: Principal, deliveryId: string): Promise<DeliveryResponse> {
    const deliveries = this.uow.repository(WebhookDelivery);
    const delivery = await deliveries
      .createQueryBuilder('delivery')
      .where('delivery.id = :deliveryId AND delivery.company_id = :companyId', { deliveryId, companyId: principal.companyId })
      .setLock('pessimistic_write')
      .getOne();
    if (!delivery) throw DomainError.notFound('Delivery');
    const inFlight = await this.uow.repository(WebhookAttempt)
      .createQueryBuilder('attempt')
      .where('attempt.delivery_id = :id AND attempt.in_flight_until IS NOT NULL', { id: delivery.id })
      .getExists();
    if (inFlight) throw new DomainError('conflict', 'An attempt of this delivery is in flight; retry when it has finished.');
    const endpoint = await this.uow.repository(WebhookEndpoint).findOneByOrFail({ id: delivery.endpointId });
    if (!endpoint.enabled) throw new DomainError('conflict', 'The webhook endpoint is disabled; re-enable it first.');
    const waiting = delivery.status === 'pending';
    Object.assign(delivery, { status: 'pending', nextAttemptAt: new Date() });
    await deliveries.update({ id: delivery.id }, { status: 'pending', nextAttemptAt: delivery.nextAttemptAt });
    if (waiting) await this.queue.sendNowJob(delivery);
    else await this.queue.replayJob(delivery.id);
    const [response] = await this.describe([delivery]);
    return response;
  }

  /** Re-sends every failed delivery of the endpoint created since `since` (one attempt each, now). */
  async recover(principal: Principal, endpointId: string, since: Date): Promise<{ queued: number }> {
    const endpoint = await this.uow.repository(WebhookEndpoint).findOneBy({ id: endpointId, companyId: principal.companyId });
    if (!endpoint) throw DomainError.notFound('Webhook');
    if (!endpoint.enabled) throw new DomainError('conflict', 'The webhook endpoint is disabled; re-enable it first.');
    // an UPDATE through TypeORM's query() answers [rows, affected]
    const [failed] = await this.uow.manager.query<[Array<{ id: string }>, number]>(
      `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now()
       WHERE endpoint_id = $1 AND company_id = $2 AND status = 'failed' AND created_at >= $3
       RETURNING id`,
      [endpointId, principal.companyId, since],
    );
    for (const { id } of failed) await this.queue.replayJob(id);
    return { queued: failed.length };
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
