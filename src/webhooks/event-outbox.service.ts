import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { Outbox } from '../platform/operations/ports.js';
import type { WebhookEventType } from './outbox-event.entity.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { DeliveryQueue } from './webhook-delivery.queue.js';
import type { WebhookDelivery } from './webhook-delivery.entity.js';
import type { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';

/**
 * Records events through the current transaction: an event exists only if its cause committed, and
 * so do its deliveries (one per enabled endpoint subscribed to its type) and their delivery jobs.
 */
@Injectable()
export class EventOutbox extends Outbox {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly deliveries: DeliveryQueue,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly events: WebhookDeliveriesRepository,
  ) {
    super();
  }

  record(companyId: string, type: WebhookEventType, data: Record<string, unknown>): Promise<void> {
    return this.uow.run(async () => {
      const event = await this.events.addEvent(companyId, type, data);
      for (const endpointId of await this.endpoints.subscribedTo(companyId, type)) {
        await this.deliveries.create(companyId, endpointId, event.id);
      }
    });
  }

  /** An event for one endpoint only, whatever it subscribes to (`webhook.test`). */
  recordFor(endpoint: WebhookEndpoint, type: WebhookEventType, data: Record<string, unknown>): Promise<WebhookDelivery> {
    return this.uow.run(async () => {
      const event = await this.events.addEvent(endpoint.companyId, type, data);
      return this.deliveries.create(endpoint.companyId, endpoint.id, event.id);
    });
  }
}
