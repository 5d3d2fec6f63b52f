import { DataSource } from 'typeorm';
import { dataSourceOptions } from './src/platform/database/data-source-options.js';

/** For `typeorm migration:run -d dist/ormconfig.js` against PostgreSQL (the app migrates itself at start). */
export default new DataSource(
  dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fleetgate', 4),
);
