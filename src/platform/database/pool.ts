import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/** TypeORM's own pg pool: for queries that must never run on a caller's transaction (batched lookups, jobs). */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}
