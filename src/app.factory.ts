import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import { AppModule } from './app.module.js';
import { requestIdFrom } from './common/http/request-id.js';
import { RouteTable } from './common/http/route-table.js';
import type { AppConfig } from './config/app-config.js';
import { registerConsole } from './console/console-static.js';
import { setupOpenApi } from './docs/openapi.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './infra/database/embedded-postgres.js';
import { runMigrations } from './infra/database/migrate.js';
import { type AppLogger, createLogger, NestPinoLogger } from './infra/logging/logger.js';

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
    const adapter = new FastifyAdapter({
      loggerInstance: logger,
      genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => requestIdFrom(request.headers['x-request-id']),
      logController: new LogController({ requestIdLogLabel: 'requestId' }),
      trustProxy: trustProxySetting(config.TRUST_PROXY),
      bodyLimit: config.BODY_LIMIT_BYTES,
      return503OnClosing: true,
    });
    const fastify = adapter.getInstance();
    fastify.addHook('onRoute', (route) => routes.add(route.method, route.url));
    fastify.addHook('onRequest', (request, reply, done) => {
      void reply.header('X-Request-Id', request.id);
      done();
    });
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot({ config, databaseUrl, logger, routes }),
      adapter,
      // bodyParser off: Fastify's own JSON parser (with bodyLimit) is the only one; other media types → 415.
      { logger: new NestPinoLogger(logger), abortOnError: false, bodyParser: false },
    );
    setupOpenApi(app);
    registerConsole(app);
    await app.init();
    await fastify.ready();
    return {
      app,
      databaseUrl,
      close: async () => {
        await app.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

function trustProxySetting(value: string): string[] | false {
  const proxies = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  return proxies.length > 0 ? proxies : false;
}
