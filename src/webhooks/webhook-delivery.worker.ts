import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
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
    const interrupted = await this.uow.runDetached((manager) =>
      manager.query<Array<{ delivery_id: string; attempt_count: number }>>(
        `WITH cut AS (
           UPDATE webhook_attempts SET in_flight_until = NULL, error = 'interrupted: the delivering instance stopped'
           WHERE in_flight_until < now() RETURNING delivery_id
         )
         SELECT d.id AS delivery_id, d.attempt_count FROM webhook_deliveries d
         WHERE d.id IN (SELECT delivery_id FROM cut) AND d.status = 'pending'`,
      ),
    );
    for (const row of interrupted) {
      await this.queue.send({ deliveryId: row.delivery_id, step: row.attempt_count, attemptsSeen: row.attempt_count });
    }
    return interrupted.length;
  }

  async deliver(job: DeliveryJob, signal: AbortSignal = new AbortController().signal): Promise<void> {
    const delivery = await this.uow.repository(WebhookDelivery).findOneBy({ id: job.deliveryId });
    if (!delivery || delivery.status !== 'pending') return;
    // a retry made stale by a manual one that already ran
    if (job.attemptsSeen !== undefined && delivery.attemptCount !== job.attemptsSeen) return;
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
    const busy = this.perEndpoint.get(endpoint.id) ?? 0;
    if (busy >= this.config.WEBHOOK_CONCURRENCY_PER_ENDPOINT) {
      await this.queue.send(job, ENDPOINT_BUSY_DELAY_SECONDS);
      return;
    }
    this.perEndpoint.set(endpoint.id, busy + 1);
    try {
      const event = await this.uow.repository(OutboxEvent).findOneByOrFail({ id: delivery.eventId });
      const attempt = await this.start(delivery);
      if (!attempt) return;
      const result = await this.attempt(endpoint, event, signal);
      if (signal.aborted) {
        // interrupted by shutdown: the attempt stays in the history, and pg-boss hands the job out again
        await this.interrupted(attempt);
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
    return this.uow.runDetached(async (manager) => {
      const [current] = await manager.query<Array<{ attempt_count: number; status: string; busy: boolean }>>(
        `SELECT attempt_count, status,
           EXISTS (SELECT 1 FROM webhook_attempts WHERE delivery_id = d.id AND in_flight_until IS NOT NULL) AS busy
         FROM webhook_deliveries d WHERE id = $1 FOR UPDATE`,
        [delivery.id],
      );
      if (!current || current.status !== 'pending' || current.busy || current.attempt_count !== delivery.attemptCount) return undefined;
      const attempts = manager.getRepository(WebhookAttempt);
      return attempts.save(attempts.create({
        deliveryId: delivery.id, attemptedAt: new Date(), httpStatus: null, durationMs: null, error: null, inFlightUntil: new Date(Date.now() + leaseMs),
      }));
    });
  }

  private async interrupted(attempt: WebhookAttempt): Promise<void> {
    await this.uow.manager.update(WebhookAttempt, { id: attempt.id }, {
      inFlightUntil: null, durationMs: Date.now() - attempt.attemptedAt.getTime(), error: 'interrupted: the instance was shutting down',
    });
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
    await this.uow.run(async (manager) => {
      const updated = await manager
        .createQueryBuilder()
        .update(WebhookDelivery)
        .set({ status, nextAttemptAt, lastStatus: result.status, lastError: result.error, attemptCount: () => 'attempt_count + 1' })
        .where('id = :id AND status = :pending AND attempt_count = :seen', { id: delivery.id, pending: 'pending', seen: delivery.attemptCount })
        .execute();
      // the attempt happened whatever else did: its outcome is always recorded
      await manager.update(WebhookAttempt, { id: attempt.id }, {
        httpStatus: result.status, durationMs: result.durationMs, error: result.error, inFlightUntil: null,
      });
      if (updated.affected === 0) return; // another worker already recorded an attempt of this delivery
      if (succeeded) {
        await manager.update(WebhookEndpoint, { id: endpoint.id }, { consecutiveFailures: 0, failingSince: null });
      } else if (gone) {
        await this.disable(endpoint.id, 'gone');
      } else {
        const failingSince = await this.markFailing(endpoint.id, attemptedAt);
        if (retryDelay !== undefined) {
          await this.queue.send({ deliveryId: delivery.id, step: step + 1, attemptsSeen: delivery.attemptCount + 1 }, retryDelay);
        }
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
