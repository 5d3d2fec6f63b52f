import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config.js';
import { JobQueue } from '../platform/jobs/job-queue.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import type { WebhookDelivery } from './webhook-delivery.entity.js';

export const DELIVERY_QUEUE = 'webhook-delivery';

/** A delivery job: which delivery, and how many scheduled retries it has already used. */
export interface DeliveryJob {
  deliveryId: string;
  step: number;
  /**
   * The delivery's attemptCount when the job was made: a job that finds it changed (a manual retry
   * ran meanwhile) has nothing left to do. Absent: always runs.
   */
  attemptsSeen?: number;
}

/**
 * Creates deliveries and their jobs through the current transaction, so an event, its deliveries and
 * their jobs exist together or not at all. The retry schedule is ours (each retry is a delayed job),
 * not pg-boss's back-off: the delays are exact and every attempt is recorded.
 */
@Injectable()
export class DeliveryQueue {
  readonly retrySchedule: number[];

  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly jobs: JobQueue,
    @Inject(AppConfig) config: AppConfig,
  ) {
    this.retrySchedule = parseSchedule(config.WEBHOOK_RETRY_SCHEDULE_SECONDS);
  }

  async create(companyId: string, endpointId: string, eventId: string): Promise<WebhookDelivery> {
    const delivery = await this.deliveries.add(companyId, endpointId, eventId);
    await this.send({ deliveryId: delivery.id, step: 0 });
    return delivery;
  }

  /** A manual replay: one attempt now, without automatic retries after it. */
  replayJob(deliveryId: string): Promise<void> {
    return this.send({ deliveryId, step: this.retrySchedule.length });
  }

  /**
   * A manual "send now" of a delivery waiting for its automatic retry: it takes that retry's place
   * (the scheduled job finds the attempt count moved and does nothing) and keeps the schedule after it.
   */
  sendNowJob(delivery: WebhookDelivery): Promise<void> {
    return this.send({ deliveryId: delivery.id, step: delivery.attemptCount, attemptsSeen: delivery.attemptCount });
  }

  send(job: DeliveryJob, delaySeconds = 0): Promise<void> {
    return this.jobs.send(DELIVERY_QUEUE, job, { startAfterSeconds: delaySeconds > 0 ? delaySeconds : undefined });
  }
}

export function parseSchedule(setting: string): number[] {
  return setting
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map(Number);
}
