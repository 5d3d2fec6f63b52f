import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { JobQueue } from '../platform/jobs/job-queue.js';
import { LOGGER, type AppLogger } from '../platform/logging/logger.js';
import { OutboxEvent } from './outbox-event.entity.js';
import { DELIVERY_QUEUE, DeliveryQueue, type DeliveryJob } from './webhook-delivery.queue.js';
import { WebhookAttempt } from './webhook-attempt.entity.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { postJson, type SendResult } from './webhook-sender.js';
import { SecretBox, signatureHeader } from './webhook-signing.js';
import { resolveTarget, TargetRefused } from './webhook-target.js';

/**
 * Delivers one delivery per job: checks the target again (DNS may have changed since creation), signs,
 * POSTs, records the attempt and, on failure, schedules the next retry as a delayed job in the same
 * transaction. pg-boss claims each job once across instances; all state is in the database.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnModuleInit {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly jobs: JobQueue,
    private readonly queue: DeliveryQueue,
    private readonly secrets: SecretBox,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  onModuleInit(): void {
    this.jobs.register<DeliveryJob>(
      DELIVERY_QUEUE,
      // pg-boss's own retries only cover a crash or a database error inside the handler
      { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: Math.ceil(this.config.WEBHOOK_TIMEOUT_MS / 1000) + 60 },
      (job, signal) => this.deliver(job, signal),
    );
  }

  async deliver(job: DeliveryJob, signal: AbortSignal = new AbortController().signal): Promise<void> {
    const delivery = await this.uow.repository(WebhookDelivery).findOneBy({ id: job.deliveryId });
    if (!delivery || delivery.status !== 'pending') return;
    const endpoint = await this.uow
      .repository(WebhookEndpoint)
      .createQueryBuilder('endpoint')
      .addSelect(['endpoint.secretCiphertext', 'endpoint.previousSecretCiphertext'])
      .where('endpoint.id = :id', { id: delivery.endpointId })
      .getOne();
    if (!endpoint) return;
    if (!endpoint.enabled) {
      await this.abandon(delivery, 'endpoint disabled');
      return;
    }
    const event = await this.uow.repository(OutboxEvent).findOneByOrFail({ id: delivery.eventId });
    const attemptedAt = new Date();
    const result = await this.attempt(endpoint, event, signal);
    // Interrupted by shutdown: record nothing and let pg-boss hand the job out again.
    if (signal.aborted) throw new Error('webhook delivery interrupted by shutdown');
    await this.record(delivery, endpoint, job.step, attemptedAt, result);
  }

  private async attempt(endpoint: WebhookEndpoint, event: OutboxEvent, signal: AbortSignal): Promise<SendResult> {
    let target;
    try {
      target = await resolveTarget(endpoint.url, this.config.WEBHOOK_ALLOW_PRIVATE_TARGETS);
    } catch (error) {
      if (error instanceof TargetRefused) return { status: null, error: `target refused: ${error.message}`, durationMs: 0 };
      throw error;
    }
    const body = JSON.stringify({ type: event.type, timestamp: event.createdAt.toISOString(), data: event.data });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': event.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(this.signingSecrets(endpoint), event.id, timestamp, body),
    };
    return postJson(target, headers, body, this.config.WEBHOOK_TIMEOUT_MS, signal);
  }

  /** The current secret, and during a rotation's overlap the previous one too. */
  private signingSecrets(endpoint: WebhookEndpoint): string[] {
    const secrets = [this.secrets.open(endpoint.secretCiphertext)];
    const previousValid = endpoint.previousSecretExpiresAt !== null && endpoint.previousSecretExpiresAt.getTime() > Date.now();
    if (endpoint.previousSecretCiphertext && previousValid) secrets.push(this.secrets.open(endpoint.previousSecretCiphertext));
    return secrets;
  }

  private async record(delivery: WebhookDelivery, endpoint: WebhookEndpoint, step: number, attemptedAt: Date, result: SendResult): Promise<void> {
    const succeeded = result.status !== null && result.status >= 200 && result.status < 300;
    const gone = result.status === 410;
    const retryDelay = succeeded || gone ? undefined : this.queue.retrySchedule[step];
    const status = succeeded ? 'succeeded' : retryDelay === undefined ? 'failed' : 'pending';
    const nextAttemptAt = retryDelay === undefined ? null : new Date(Date.now() + retryDelay * 1000);
    await this.uow.run(async (manager) => {
      const updated = await manager
        .createQueryBuilder()
        .update(WebhookDelivery)
        .set({ status, nextAttemptAt, lastStatus: result.status, lastError: result.error, attemptCount: () => 'attempt_count + 1' })
        .where('id = :id AND status = :pending AND attempt_count = :seen', { id: delivery.id, pending: 'pending', seen: delivery.attemptCount })
        .execute();
      if (updated.affected === 0) return; // another worker already recorded this attempt
      const attempts = manager.getRepository(WebhookAttempt);
      await attempts.save(
        attempts.create({ deliveryId: delivery.id, attemptedAt, httpStatus: result.status, durationMs: result.durationMs, error: result.error }),
      );
      if (succeeded) {
        await manager.update(WebhookEndpoint, { id: endpoint.id }, { consecutiveFailures: 0, failingSince: null });
      } else if (gone) {
        await this.disable(endpoint.id, 'gone');
      } else {
        const failingSince = await this.markFailing(endpoint.id, attemptedAt);
        if (retryDelay !== undefined) await this.queue.send({ deliveryId: delivery.id, step: step + 1 }, retryDelay);
        else if (Date.now() - failingSince.getTime() >= this.config.WEBHOOK_DISABLE_AFTER_FAILING_SECONDS * 1000) {
          await this.disable(endpoint.id, 'failing');
        }
      }
    });
    this.logger.info(
      { deliveryId: delivery.id, endpointId: endpoint.id, status: result.status, error: result.error, durationMs: result.durationMs, outcome: status },
      'webhook delivery attempt',
    );
  }

  private async markFailing(endpointId: string, at: Date): Promise<Date> {
    const result = await this.uow.manager
      .createQueryBuilder()
      .update(WebhookEndpoint)
      .set({ consecutiveFailures: () => 'consecutive_failures + 1', failingSince: () => 'COALESCE(failing_since, :at)' })
      .setParameters({ at })
      .where('id = :id', { id: endpointId })
      .returning(['failing_since'])
      .execute();
    const rows = result.raw as { failing_since: Date | string }[];
    return rows.length > 0 ? new Date(rows[0].failing_since) : at;
  }

  private async disable(endpointId: string, reason: 'gone' | 'failing'): Promise<void> {
    await this.uow.manager.update(WebhookEndpoint, { id: endpointId, enabled: true }, { enabled: false, disabledReason: reason });
    this.logger.warn({ endpointId, reason }, 'webhook endpoint disabled');
  }

  private async abandon(delivery: WebhookDelivery, reason: string): Promise<void> {
    await this.uow
      .repository(WebhookDelivery)
      .update({ id: delivery.id, status: 'pending' }, { status: 'failed', nextAttemptAt: null, lastError: reason });
  }
}
