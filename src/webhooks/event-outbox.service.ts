import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../infra/database/unit-of-work.js';
import { OutboxEvent, type WebhookEventType } from './outbox-event.entity.js';

/** Records events through the current transaction: an event exists only if its cause committed. */
@Injectable()
export class EventOutbox {
  constructor(private readonly uow: UnitOfWork) {}

  async record(companyId: string, type: WebhookEventType, data: Record<string, unknown>): Promise<OutboxEvent> {
    const events = this.uow.repository(OutboxEvent);
    const event = events.create({ companyId, type, data });
    return events.save(event);
  }
}
