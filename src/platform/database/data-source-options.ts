import type { DataSourceOptions } from 'typeorm';
import { migrations } from './migrations/index.js';

/**
 * The one DataSource definition, used by the app (through DatabaseModule), the migrator and the
 * migration CLI (ormconfig.ts). Entities are registered by each feature module (autoLoadEntities).
 */
export function dataSourceOptions(url: string, poolSize: number): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    migrations,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    synchronize: false,
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    // A burst queues for a pooled connection rather than failing: 503 only after 15 s without one
    // (a database that is down refuses at once and answers 503 without waiting).
    // Pipeline mode: a query is written at once, not after the one before it has answered, so a
    // deferred transaction's BEGIN and COMMIT travel with its statements (queryPipelined).
    extra: { max: poolSize, connectionTimeoutMillis: 15_000, pipeline: true },
    logging: false,
  };
}
