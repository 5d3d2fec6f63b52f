import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { ConfigError, loadConfig } from './platform/config/app-config.js';
import { createLogger } from './platform/logging/logger.js';

const SHUTDOWN_TIMEOUT_MS = 25_000;

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
  const { app, close } = await createApp({ config, logger });
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
    // in-flight requests get this long to finish; a hung one must not keep the process alive forever
    setTimeout(() => {
      logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    close().then(
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
