import { Injectable } from '@nestjs/common';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import { Page } from '../platform/http/pagination/page-query.dto.js';
import { DeliveryResponse, type DeliveryListQuery } from './dto/webhook.dto.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { DeliveryQueue } from './webhook-delivery.queue.js';
import type { WebhookDelivery } from './webhook-delivery.entity.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';

/** What happened to each event sent to an endpoint, and replays of deliveries. */
@Injectable()
export class WebhookDeliveriesService {
  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly queue: DeliveryQueue,
  ) {}

  async list(principal: Principal, endpointId: string, query: DeliveryListQuery): Promise<Page<DeliveryResponse>> {
    await this.endpoints.requireForCompany(principal.companyId, endpointId);
    const page = await this.deliveries.listForEndpoint(principal.companyId, endpointId, query);
    return new Page(await this.describe(principal.companyId, page.data), page.nextCursor);
  }

  /**
   * Sends a delivery now (same `webhook-id`); its endpoint must be enabled. A finished one gets one
   * more attempt; one waiting for its automatic retry is sent now in that retry's place (the schedule
   * goes on after it). 409 only while an attempt is in flight.
   */
  async retry(principal: Principal, deliveryId: string): Promise<DeliveryResponse> {
    const { companyId } = principal;
    const delivery = await this.deliveries.getForCompany(companyId, deliveryId, { lock: true });
    if (await this.deliveries.hasAttemptInFlight(companyId, delivery.id)) {
      throw new DomainError('conflict', 'An attempt of this delivery is in flight; retry when it has finished.');
    }
    await this.requireEnabled(companyId, delivery.endpointId);
    const waiting = delivery.status === 'pending';
    const now = new Date();
    Object.assign(delivery, { status: 'pending', nextAttemptAt: now });
    await this.deliveries.markPending(companyId, delivery.id, now);
    if (waiting) await this.queue.sendNowJob(delivery);
    else await this.queue.replayJob(delivery.id);
    const [response] = await this.describe(companyId, [delivery]);
    return response;
  }

  /** Re-sends every failed delivery of the endpoint created since `since` (one attempt each, now). */
  async recover(principal: Principal, endpointId: string, since: Date): Promise<{ queued: number }> {
    await this.requireEnabled(principal.companyId, endpointId);
    const failed = await this.deliveries.requeueFailedSince(principal.companyId, endpointId, since);
    for (const id of failed) await this.queue.replayJob(id);
    return { queued: failed.length };
  }

  private async requireEnabled(companyId: string, endpointId: string): Promise<void> {
    const endpoint = await this.endpoints.getForCompany(companyId, endpointId);
    if (!endpoint.enabled) throw new DomainError('conflict', 'The webhook endpoint is disabled; re-enable it first.');
  }

  private async describe(companyId: string, deliveries: WebhookDelivery[]): Promise<DeliveryResponse[]> {
    if (deliveries.length === 0) return [];
    const typeOf = await this.deliveries.eventTypes(companyId, deliveries.map((delivery) => delivery.eventId));
    const attempts = await this.deliveries.attemptsOf(companyId, deliveries.map((delivery) => delivery.id));
    return deliveries.map((delivery) =>
      DeliveryResponse.of(
        delivery,
        typeOf.get(delivery.eventId) ?? 'webhook.test',
        attempts.filter((attempt) => attempt.deliveryId === delivery.id),
      ),
    );
  }
}
