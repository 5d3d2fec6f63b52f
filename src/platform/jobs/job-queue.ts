import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { PgBoss } from 'pg-boss';
import { poolOf } from '../database/pool.js';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { LOGGER, type AppLogger } from '../logging/logger.js';
import { UnitOfWork } from '../database/unit-of-work.js';

type SqlExecutor = { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> };

export interface QueueSettings {
  retryLimit: number;
  /** Seconds before the first retry; doubled each time with retryBackoff. */
  retryDelay: number;
  retryBackoff?: boolean;
  retryDelayMax?: number;
  expireInSeconds?: number;
  /** Jobs of this queue an instance runs at once (default 1). */
  concurrency?: number;
  /** pg-boss's queue policy; `stately` holds at most one job per state (waiting, active) per singleton key. */
  policy?: 'standard' | 'stately';
}

export interface SendOptions {
  /** Delay the first attempt (seconds). */
  startAfterSeconds?: number;
  singletonKey?: string;
}

export type JobHandler<T> = (data: T, signal: AbortSignal) => Promise<void>;

interface Registration {
  queue: string;
  settings: QueueSettings;
  handler: JobHandler<Record<string, unknown>>;
}

/**
 * Durable background work on pg-boss, in the app's own database. Jobs are enqueued through the
 * current transaction (a rollback leaves no job), all state is in the database so work survives
 * restarts, and several instances claim each job exactly once. pg-boss runs on TypeORM's own pool:
 * a second pool would overflow the embedded server's connection limit.
 */
@Injectable()
export class JobQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly registrations: Registration[] = [];
  private readonly periodic: Array<{ queue: string; seconds: number }> = [];
  private boss?: PgBoss;

  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  /** Called by feature modules in onModuleInit; workers start once the app has booted. */
  register<T>(queue: string, settings: QueueSettings, handler: JobHandler<T>): void {
    this.registrations.push({ queue, settings, handler: handler as JobHandler<Record<string, unknown>> });
  }

  /**
   * Runs `work` every `seconds` on ONE of the instances sharing the database, not on each: the schedule
   * is a durable job (a stately queue keeps at most one waiting per period length), sent again as each
   * run ends and by every instance at start (a duplicate is dropped), so it survives restarts and crashes
   * without ever doubling. A run that fails is not retried: the next one is already scheduled.
   */
  every(queue: string, seconds: number, work: () => Promise<void>): void {
    this.periodic.push({ queue, seconds });
    this.register(queue, { retryLimit: 0, retryDelay: 0, policy: 'stately' }, async () => {
      try {
        await work();
      } finally {
        await this.scheduleNext(queue, seconds);
      }
    });
  }

  private async scheduleNext(queue: string, seconds: number): Promise<void> {
    await this.boss?.send(queue, {}, { startAfter: seconds, singletonKey: `every-${seconds}s` });
  }

  async onApplicationBootstrap(): Promise<void> {
    const pool = poolOf(this.dataSource);
    const boss = new PgBoss({
      db: { executeSql: (text, values) => pool.query(text, values) },
      schedule: false,
      supervise: this.config.JOBS_ENABLED,
      registerInstance: false,
    });
    boss.on('error', (error: Error) => this.logger.error({ err: error }, 'job queue error'));
    await boss.start();
    this.boss = boss;
    for (const { queue, settings } of this.registrations) {
      await boss.createQueue(queue, { ...settings, concurrency: undefined } as QueueSettings);
    }
    if (!this.config.JOBS_ENABLED) return;
    for (const { queue, handler, settings } of this.registrations) {
      await boss.work<Record<string, unknown>>(queue, { pollingIntervalSeconds: 0.5, localConcurrency: settings.concurrency ?? 1 }, async ([job]) => {
        await handler(job.data, job.signal);
      });
    }
    for (const { queue, seconds } of this.periodic) await this.scheduleNext(queue, seconds);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.boss?.stop({ graceful: true, timeout: 10_000, close: false });
  }

  /** Enqueues in the caller's transaction when there is one: the job exists only if it commits. */
  async send<T extends object>(queue: string, data: T, options: SendOptions = {}): Promise<void> {
    if (!this.boss) throw new Error('JobQueue used before the application booted');
    await this.boss.send(queue, data, {
      startAfter: options.startAfterSeconds,
      singletonKey: options.singletonKey,
      db: this.uow.inTransaction ? transactionExecutor(this.uow.manager) : undefined,
    });
  }
}

function transactionExecutor(manager: EntityManager): SqlExecutor {
  return {
    async executeSql(text, values) {
      const result = await manager.queryRunner!.query(text, values, true);
      return { rows: result.records };
    },
  };
}
