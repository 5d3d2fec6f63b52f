import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import { AppModule } from './app.module.js';
import { Throttles } from './identity/authentication/throttles.js';
import { requestIdFrom } from './platform/http/request-id.js';
import { hardenedServerOptions, hardenFastify } from './platform/http/http-server.js';
import { RouteTable } from './platform/http/route-table.js';
import { Lifecycle } from './platform/lifecycle/lifecycle.js';
import type { AppConfig } from './platform/config/app-config.js';
import { setupOpenApi } from './platform/http/openapi.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './platform/database/embedded-postgres.js';
import { runMigrations } from './platform/database/migrate.js';
import { type AppLogger, createLogger, NestPinoLogger } from './platform/logging/logger.js';
import { registerConsole } from './platform/http/console-static.js';

export interface CreateAppOptions {
  config: AppConfig;
  logger?: AppLogger;
  /** Start the embedded database from this snapshot, in memory (tests). */
  embeddedSnapshot?: Blob;
}

export interface RunningApp {
  app: NestFastifyApplication;
  databaseUrl: string;
  /** Stops the app (in-flight requests finish, pools close), then the embedded database. */
  close: () => Promise<void>;
  /** Draining, stream deadlines (contract §4 operations). */
  lifecycle: Lifecycle;
  /**
   * The SIGTERM sequence (contract §4 operations): readiness answers 503 for SHUTDOWN_DRAIN_MS while
   * requests are still served; then the server stops accepting and in-flight requests finish; streams
   * still running SHUTDOWN_GRACE_MS later end with their error marker; then everything closes.
   */
  shutdown: () => Promise<void>;
}

/** Builds the whole service: database (embedded or PostgreSQL), migrations, Nest on Fastify, docs. */
export async function createApp(options: CreateAppOptions): Promise<RunningApp> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  let embedded: EmbeddedPostgres | undefined;
  if (!config.DATABASE_URL) {
    embedded = await startEmbeddedPostgres({
      dataDir: options.embeddedSnapshot ? undefined : join(config.DATA_DIR, 'pgdata'),
      snapshot: options.embeddedSnapshot,
      // headroom for the migrator and for a second app instance sharing this database in tests
      maxConnections: config.DB_POOL_SIZE * 3,
    });
  }
  const databaseUrl = config.DATABASE_URL ?? embedded!.url;
  try {
    await runMigrations(databaseUrl);
    const routes = new RouteTable();
    const lifecycle = new Lifecycle();
    const adapter = new FastifyAdapter({
      loggerInstance: logger,
      genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => requestIdFrom(request.headers['x-request-id']),
      logController: new LogController({ requestIdLogLabel: 'requestId' }),
      trustProxy: trustProxySetting(config.TRUST_PROXY),
      bodyLimit: config.BODY_LIMIT_BYTES,
      ...hardenedServerOptions(config),
    });
    const fastify = adapter.getInstance();
    const tarpit = hardenFastify(fastify, config);
    // a silent logger writes nothing a request id could label: no child logger per request
    if (logger.level === 'silent') fastify.setChildLoggerFactory((parent) => parent);
    fastify.addHook('onRoute', (route) => routes.add(route.method, route.url));
    fastify.addHook('onRequest', (request, reply, done) => {
      void reply.header('X-Request-Id', request.id);
      done();
    });
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot({ config, databaseUrl, logger, routes, lifecycle }),
      adapter,
      // bodyParser off: Fastify's own JSON parser (with bodyLimit) is the only one; other media types → 415.
      { logger: new NestPinoLogger(logger), abortOnError: false, bodyParser: false },
    );
    // the platform's body reader counts hostile bodies in identity's per-address throttle store
    tarpit.countWith(app.get(Throttles));
    setupOpenApi(app);
    registerConsole(app);
    await app.init();
    await fastify.ready();
    const close = async () => {
      await app.close();
      await embedded?.stop();
    };
    const shutdown = async () => {
      lifecycle.beginDrain();
      logger.info({ drainMs: config.SHUTDOWN_DRAIN_MS }, 'draining: readiness answers 503, requests still served');
      await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DRAIN_MS));
      const grace = setTimeout(() => {
        logger.warn({ graceMs: config.SHUTDOWN_GRACE_MS }, 'shutdown grace over: ending the streams still running');
        lifecycle.endStreams();
      }, config.SHUTDOWN_GRACE_MS);
      try {
        // the HTTP server first (no new connections; in-flight requests finish), then jobs and pools
        await fastify.close();
        await close();
      } finally {
        clearTimeout(grace);
      }
    };
    return { app, databaseUrl, lifecycle, close, shutdown };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

function trustProxySetting(value: string): string[] | false {
  const proxies = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  return proxies.length > 0 ? proxies : false;
}
