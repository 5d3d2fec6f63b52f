import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { JobQueue } from '../platform/jobs/job-queue.js';
import { LOGGER, type AppLogger } from '../platform/logging/logger.js';
import type { OutboxEvent } from './outbox-event.entity.js';
import type { WebhookAttempt } from './webhook-attempt.entity.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { DELIVERY_QUEUE, DeliveryQueue, type DeliveryJob } from './webhook-delivery.queue.js';
import type { WebhookDelivery } from './webhook-delivery.entity.js';
import type { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import { postJson, type SendResult } from './webhook-sender.js';
import { SecretBox, signatureHeader } from './webhook-signing.js';
import { TargetRefused, WebhookTargets } from './webhook-target.js';

/** How often each instance looks for attempts interrupted by a crash (their lease passed). */
const SWEEP_INTERVAL_MS = 2_000;
/** A job that finds its endpoint at its concurrency cap is put back this much later. */
const ENDPOINT_BUSY_DELAY_SECONDS = 1;

/**
 * Delivers one delivery per job: checks the target again (DNS may have changed since creation), signs,
 * POSTs, records the attempt and, on failure, schedules the next retry as a delayed job in the same
 * transaction. pg-boss claims each job once across instances; all state is in the database.
 *
 * WEBHOOK_CONCURRENCY deliveries run at once per instance, at most WEBHOOK_CONCURRENCY_PER_ENDPOINT of
 * them to one endpoint (a job for a busy endpoint is put back a second later instead of holding a
 * slot), so a hanging endpoint only delays itself. Each attempt is written when it starts, with a
 * lease (the send timeout and a margin): an attempt interrupted by a crash stays in the history, and
 * every instance's sweep marks it interrupted and sends the delivery again once the lease has passed.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnModuleInit, OnApplicationShutdown {
  private readonly perEndpoint = new Map<string, number>();
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly jobs: JobQueue,
    private readonly queue: DeliveryQueue,
    private readonly secrets: SecretBox,
    private readonly targets: WebhookTargets,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  onModuleInit(): void {
    this.jobs.register<DeliveryJob>(
      DELIVERY_QUEUE,
      // pg-boss's own retries only cover a crash or a database error inside the handler
      {
        retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: Math.ceil(this.config.WEBHOOK_TIMEOUT_MS / 1000) + 60,
        // each concurrent worker polls and records through the shared pool: never more of them than connections
        concurrency: Math.max(1, Math.min(this.config.WEBHOOK_CONCURRENCY, this.config.DB_POOL_SIZE)),
      },
      (job, signal) => this.deliver(job, signal),
    );
    if (this.config.JOBS_ENABLED) {
      this.sweeper = setInterval(() => {
        this.repeatInterrupted().catch((error: unknown) => this.logger.warn({ err: error }, 'webhook sweep failed'));
      }, SWEEP_INTERVAL_MS);
      this.sweeper.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /**
   * Attempts whose lease passed without an outcome were cut short by a crash: each is marked
   * interrupted (it stays in the history) and its delivery, if still pending, is sent again now.
   */
  async repeatInterrupted(): Promise<number> {
    const interrupted = await this.uow.runDetached(() => this.deliveries.cutInterruptedAttempts());
    for (const { deliveryId, attemptCount } of interrupted) {
      await this.queue.send({ deliveryId, step: attemptCount, attemptsSeen: attemptCount });
    }
    return interrupted.length;
  }

  async deliver(job: DeliveryJob, signal: AbortSignal = new AbortController().signal): Promise<void> {
    const delivery = await this.deliveries.findForJob(job.deliveryId);
    if (!delivery || delivery.status !== 'pending') return;
    // a retry made stale by a manual one that already ran
    if (job.attemptsSeen !== undefined && delivery.attemptCount !== job.attemptsSeen) return;
    const endpoint = await this.endpoints.findForCompany(delivery.companyId, delivery.endpointId, { hidden: ['secretCiphertext', 'previousSecretCiphertext'] });
    if (!endpoint) return;
    if (!endpoint.enabled) {
      await this.deliveries.abandon(delivery.companyId, delivery.id, 'endpoint disabled');
      return;
    }
    const busy = this.perEndpoint.get(endpoint.id) ?? 0;
    if (busy >= this.config.WEBHOOK_CONCURRENCY_PER_ENDPOINT) {
      await this.queue.send(job, ENDPOINT_BUSY_DELAY_SECONDS);
      return;
    }
    this.perEndpoint.set(endpoint.id, busy + 1);
    try {
      const event = await this.deliveries.eventOf(delivery.companyId, delivery.eventId);
      const attempt = await this.start(delivery);
      if (!attempt) return;
      const result = await this.attempt(endpoint, event, signal);
      if (signal.aborted) {
        // interrupted by shutdown: the attempt stays in the history, and pg-boss hands the job out again
        await this.deliveries.endAttempt(delivery.companyId, attempt.id, {
          durationMs: Date.now() - attempt.attemptedAt.getTime(), error: 'interrupted: the instance was shutting down',
        });
        throw new Error('webhook delivery interrupted by shutdown');
      }
      await this.record(delivery, endpoint, job.step, attempt, result);
    } finally {
      const left = (this.perEndpoint.get(endpoint.id) ?? 1) - 1;
      if (left > 0) this.perEndpoint.set(endpoint.id, left);
      else this.perEndpoint.delete(endpoint.id);
    }
  }

  /**
   * The attempt, written (and committed) before the request goes out, with its lease — unless another
   * attempt of the delivery is in flight or has been recorded since this job was made (a manual "send
   * now" beside its scheduled retry): then undefined, and this job has nothing to do. The delivery row
   * is locked meanwhile, so two jobs of one delivery never both start.
   */
  private async start(delivery: WebhookDelivery): Promise<WebhookAttempt | undefined> {
    const leaseMs = this.config.WEBHOOK_TIMEOUT_MS + 1_000;
    return this.uow.runDetached(() => this.deliveries.startAttempt(delivery.companyId, delivery.id, delivery.attemptCount, leaseMs));
  }

  private async attempt(endpoint: WebhookEndpoint, event: OutboxEvent, signal: AbortSignal): Promise<SendResult> {
    let target;
    try {
      target = await this.targets.check(endpoint.url);
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

  private async record(delivery: WebhookDelivery, endpoint: WebhookEndpoint, step: number, attempt: WebhookAttempt, result: SendResult): Promise<void> {
    const attemptedAt = attempt.attemptedAt;
    const succeeded = result.status !== null && result.status >= 200 && result.status < 300;
    const gone = result.status === 410;
    const retryDelay = succeeded || gone ? undefined : this.queue.retrySchedule[step];
    const status = succeeded ? 'succeeded' : retryDelay === undefined ? 'failed' : 'pending';
    const nextAttemptAt = retryDelay === undefined ? null : new Date(Date.now() + retryDelay * 1000);
    const { companyId } = delivery;
    await this.uow.run(async () => {
      const counted = await this.deliveries.countAttempt(companyId, delivery.id, delivery.attemptCount, { status, nextAttemptAt, lastStatus: result.status, lastError: result.error });
      // the attempt happened whatever else did: its outcome is always recorded
      await this.deliveries.endAttempt(companyId, attempt.id, { httpStatus: result.status, durationMs: result.durationMs, error: result.error });
      if (!counted) return; // another worker already recorded an attempt of this delivery
      if (succeeded) {
        await this.endpoints.markSucceeded(companyId, endpoint.id);
      } else if (gone) {
        await this.disable(endpoint, 'gone');
      } else {
        const failingSince = await this.endpoints.markFailing(companyId, endpoint.id, attemptedAt);
        if (retryDelay !== undefined) {
          await this.queue.send({ deliveryId: delivery.id, step: step + 1, attemptsSeen: delivery.attemptCount + 1 }, retryDelay);
        }
        else if (Date.now() - failingSince.getTime() >= this.config.WEBHOOK_DISABLE_AFTER_FAILING_SECONDS * 1000) {
          await this.disable(endpoint, 'failing');
        }
      }
    });
    this.logger.info(
      { deliveryId: delivery.id, endpointId: endpoint.id, status: result.status, error: result.error, durationMs: result.durationMs, outcome: status },
      'webhook delivery attempt',
    );
  }

  private async disable(endpoint: WebhookEndpoint, reason: 'gone' | 'failing'): Promise<void> {
    await this.endpoints.disable(endpoint.companyId, endpoint.id, reason);
    this.logger.warn({ endpointId: endpoint.id, reason }, 'webhook endpoint disabled');
  }
}
