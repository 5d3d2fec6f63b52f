import type { DataSource, QueryRunner } from 'typeorm';

/**
 * Runs `work` in a transaction rolled back whatever happens: for a statement the database must refuse
 * (a TRUNCATE of a shared table) that must never take effect on the shared test database if it did not.
 */
export async function inRolledBackTransaction(dataSource: DataSource, work: (runner: QueryRunner) => Promise<void>): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.startTransaction();
  try {
    await work(runner);
  } finally {
    await runner.rollbackTransaction();
    await runner.release();
  }
}
