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

  /** The delivery a job names, whichever company's: a job carries nothing but its id. */
  findForJob(deliveryId: string): Promise<WebhookDelivery | null> {
    return this.rows.findOneBy({ id: deliveryId });
  }

  eventOf(companyId: string, eventId: string): Promise<OutboxEvent> {
    return this.uow.repository(OutboxEvent).findOneByOrFail({ id: eventId, companyId });
  }

  /**
   * Starts an attempt with a lease, unless the delivery is no longer pending, has an attempt in flight
   * or has had one recorded since `attemptsSeen`: then undefined. Locks the delivery row (run it in a
   * transaction of its own, committed before the request goes out).
   */
  async startAttempt(companyId: string, deliveryId: string, attemptsSeen: number, leaseMs: number): Promise<WebhookAttempt | undefined> {
    const [current] = await this.uow.manager.query<Array<{ attempt_count: number; status: string; busy: boolean }>>(
      `SELECT attempt_count, status,
         EXISTS (SELECT 1 FROM webhook_attempts WHERE delivery_id = d.id AND in_flight_until IS NOT NULL) AS busy
       FROM webhook_deliveries d WHERE id = $1 AND company_id = $2 FOR UPDATE`,
      [deliveryId, companyId],
    );
    if (!current || current.status !== 'pending' || current.busy || current.attempt_count !== attemptsSeen) return undefined;
    const attempts = this.uow.repository(WebhookAttempt);
    return attempts.save(attempts.create({
      deliveryId, attemptedAt: new Date(), httpStatus: null, durationMs: null, error: null, inFlightUntil: new Date(Date.now() + leaseMs),
    }));
  }

  /** The attempt's outcome; it is in flight no more. */
  async endAttempt(companyId: string, attemptId: string, outcome: Pick<WebhookAttempt, 'durationMs' | 'error'> & Partial<Pick<WebhookAttempt, 'httpStatus'>>): Promise<void> {
    await this.uow.manager
      .createQueryBuilder()
      .update(WebhookAttempt)
      .set({ ...outcome, inFlightUntil: null })
      .where('id = :attemptId AND delivery_id IN (SELECT id FROM webhook_deliveries WHERE company_id = :companyId)', { attemptId, companyId })
      .execute();
  }

  /**
   * Counts an attempt into its delivery, unless another attempt was counted since `attemptsSeen`
   * (another worker got there first): answers whether it did.
   */
  async countAttempt(
    companyId: string,
    deliveryId: string,
    attemptsSeen: number,
    outcome: Pick<WebhookDelivery, 'status' | 'nextAttemptAt' | 'lastStatus' | 'lastError'>,
  ): Promise<boolean> {
    const updated = await this.uow.manager
      .createQueryBuilder()
      .update(WebhookDelivery)
      .set({ ...outcome, attemptCount: () => 'attempt_count + 1' })
      .where('id = :deliveryId AND company_id = :companyId AND status = :pending AND attempt_count = :attemptsSeen', { deliveryId, companyId, pending: 'pending', attemptsSeen })
      .execute();
    return updated.affected !== 0;
  }

  /** A pending delivery that will not be attempted again. */
  async abandon(companyId: string, deliveryId: string, reason: string): Promise<void> {
    await this.rows.update({ id: deliveryId, companyId, status: 'pending' }, { status: 'failed', nextAttemptAt: null, lastError: reason });
  }

  /**
   * Across every company: ends the attempts whose lease passed without an outcome (their instance
   * stopped) as interrupted; answers their deliveries that are still pending, to send again.
   */
  async cutInterruptedAttempts(): Promise<Array<{ deliveryId: string; attemptCount: number }>> {
    const rows = await this.uow.manager.query<Array<{ delivery_id: string; attempt_count: number }>>(
      `WITH cut AS (
         UPDATE webhook_attempts SET in_flight_until = NULL, error = 'interrupted: the delivering instance stopped'
         WHERE in_flight_until < now() RETURNING delivery_id
       )
       SELECT d.id AS delivery_id, d.attempt_count FROM webhook_deliveries d
       WHERE d.id IN (SELECT delivery_id FROM cut) AND d.status = 'pending'`,
    );
    return rows.map((row) => ({ deliveryId: row.delivery_id, attemptCount: row.attempt_count }));
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
