import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream } from 'pino';
import supertest from 'supertest';
import { DataSource } from 'typeorm';
import { inject } from 'vitest';
import { createApp } from '../../src/app.factory.js';
import { loadConfig, type AppConfig } from '../../src/platform/config/app-config.js';
import { createLogger } from '../../src/platform/logging/logger.js';
import { OpenApiValidator, validating } from './openapi-validator.js';

let sharedValidator: OpenApiValidator | undefined;

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  http: () => supertest.Agent;
  dataSource: DataSource;
  databaseUrl: string;
  close: () => Promise<void>;
  /** The SIGTERM sequence: drain, stop accepting, let in-flight finish, close. */
  shutdown: () => Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Capture log lines (e.g. to prove no secret is logged). */
  logDestination?: DestinationStream;
  /** Reuse this embedded database instead of a fresh one (two instances on one database). */
  databaseUrl?: string;
}

const TEST_SECRETS = {
  JWT_SECRET: 'test-jwt-secret-0123456789-abcdefghijklmnop',
  API_KEY_PEPPER: 'test-api-key-pepper-0123456789-abcdefghijkl',
  /** One Ed25519 key for every test app, so apps sharing a PostgreSQL database never rotate it. */
  AUDIT_SIGNING_KEY: '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIPu9Nkqjr/gZtlp0bYLootFaRk4bP1X78T14bJPWJUpE\n-----END PRIVATE KEY-----\n',
};

/**
 * Webhook settings every test app shares: on PostgreSQL all test files share one pg-boss queue, so any
 * file's app may claim a delivery job and must deliver it the same way (to a receiver on 127.0.0.1,
 * retrying within seconds).
 */
const TEST_WEBHOOK_SETTINGS = {
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  WEBHOOK_RETRY_SCHEDULE_SECONDS: '1,1,1',
  WEBHOOK_DISABLE_AFTER_FAILING_SECONDS: '0',
};

/**
 * The public endpoints' throttles count per client address, and every test connects from 127.0.0.1
 * (sharing one Redis on PostgreSQL): far above what the suite does, unless a test sets its own
 * (throttle tests use their own X-Forwarded-For addresses).
 */
const TEST_THROTTLE_SETTINGS = {
  LOGIN_FAILURES_PER_IP_PER_HOUR: '1000000',
  SIGNUP_LIMIT_PER_IP_PER_HOUR: '1000000',
  REFRESH_LIMIT_PER_IP_PER_MINUTE: '1000000',
  BEARER_FAILURES_PER_IP_PER_MINUTE: '1000000',
  HOSTILE_BODY_REFUSALS_PER_IP_PER_MINUTE: '1000000',
};

/**
 * On PostgreSQL all test files share one database, and an expiry scan claims every company's due
 * `api_key.expiring` warnings: no test app scans on a timer; the tests that need a scan run it, one file
 * at a time (`withExpiryClaims`).
 */
const TEST_SCAN_SETTINGS = {
  API_KEY_EXPIRY_SCAN_SECONDS: '0',
};

/**
 * A full app on a real database: PostgreSQL when DATABASE_URL is set (CI), else a fresh in-memory
 * PGlite started from the migrated snapshot. Tests isolate themselves by signing up their own companies.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  const config = loadConfig({
    ...TEST_SECRETS,
    ...TEST_WEBHOOK_SETTINGS,
    ...TEST_THROTTLE_SETTINGS,
    ...TEST_SCAN_SETTINGS,
    LOG_LEVEL: options.logDestination ? 'info' : 'silent',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'fleetgate-test-')),
    DB_POOL_SIZE: '8',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  });
  const snapshotPath = inject('pgliteSnapshotPath');
  const running = await createApp({
    config,
    logger: createLogger(config.LOG_LEVEL, options.logDestination),
    embeddedSnapshot: databaseUrl ? undefined : new Blob([readFileSync(snapshotPath)]),
  });
  const server = running.app.getHttpServer();
  const validator = (sharedValidator ??= new OpenApiValidator());
  return {
    app: running.app,
    config,
    // every response is held to the committed openapi.json (set OPENAPI_VALIDATION=off to look at a failure without it)
    http: () => (process.env.OPENAPI_VALIDATION === 'off' ? supertest.agent(server) : validating(supertest.agent(server), validator)),
    dataSource: running.app.get(DataSource),
    databaseUrl: running.databaseUrl,
    close: running.close,
    shutdown: running.shutdown,
  };
}
