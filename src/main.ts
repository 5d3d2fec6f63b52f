import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { ConfigError, loadConfig } from './platform/config/app-config.js';
import { createLogger } from './platform/logging/logger.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const started = performance.now();
  const { app, shutdown: drainAndStop } = await createApp({ config, logger });
  await app.listen({ port: config.PORT, host: config.HOST });
  logger.info(
    { port: config.PORT, database: config.DATABASE_URL ? 'postgresql' : 'embedded', startupMs: Math.round(performance.now() - started) },
    `Fleetgate listening on http://localhost:${config.PORT} (docs at /docs)`,
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // drain, then in-flight requests and streams get their grace; a hung one must not keep the process alive forever
    const timeoutMs = config.SHUTDOWN_DRAIN_MS + config.SHUTDOWN_GRACE_MS + 5_000;
    setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out');
      process.exit(1);
    }, timeoutMs).unref();
    drainAndStop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Fleetgate failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
