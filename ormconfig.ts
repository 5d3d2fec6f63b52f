import { DataSource, type DataSourceOptions } from 'typeorm';
import { migrations } from './src/platform/database/migrations/index.js';

/**
 * The one DataSource definition, used by the app (through DatabaseModule) and by the migration CLI.
 * Entities are registered by each feature module (autoLoadEntities); the CLI only needs migrations.
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

/** For `typeorm migration:run -d dist/ormconfig.js` against PostgreSQL (the app migrates itself at start). */
export default new DataSource(
  dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fleetgate', 4),
);
