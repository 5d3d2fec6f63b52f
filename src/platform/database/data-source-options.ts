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
    extra: { max: poolSize, connectionTimeoutMillis: 5_000 },
    logging: false,
  };
}
