import { Injectable } from '@nestjs/common';
import type { PoolClient, QueryResultRow } from 'pg';
import { DataSource, type EntityManager, type EntityTarget, type ObjectLiteral, QueryFailedError, type QueryRunner, type Repository } from 'typeorm';
import { RunScopedStorage } from '../async-context/run-scoped-storage.js';
import { poolOf, queryPreparedOn, queryPreparedOnPool } from './pool.js';

/**
 * The owner of transactions. Code that runs inside `run()` (including everything a request handler
 * calls while the write pipeline holds a transaction open) reaches the database through
 * `manager`/`repository()`, so every query of a transaction goes through that transaction's
 * connection: on PGlite's single backend a query on a second connection would wait forever.
 */
@Injectable()
export class UnitOfWork {
  private readonly current = new RunScopedStorage<OpenTransaction>();

  constructor(private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.current.getStore()?.manager ?? this.dataSource.manager;
  }

  get inTransaction(): boolean {
    return this.current.getStore() !== undefined;
  }

  repository<T extends ObjectLiteral>(entity: EntityTarget<T>): Repository<T> {
    return this.manager.getRepository(entity);
  }

  /**
   * A hand-written query as a named prepared statement (parsed and planned once per connection), its
   * rows as pg returns them: the hot reads and writes. Inside an open transaction it runs on that
   * transaction's connection (a deferred transaction begins first); outside one, on a pooled
   * connection (queryPreparedOnPool). It fails with a QueryFailedError, as TypeORM's own queries do.
   */
  async queryPrepared<R extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R[]> {
    const open = this.current.getStore();
    const pool = poolOf(this.dataSource);
    try {
      return open ? await queryPreparedOn<R>(pool, await open.connection(), name, text, values) : await queryPreparedOnPool<R>(pool, name, text, values);
    } catch (error) {
      throw error instanceof Error && !(error instanceof QueryFailedError) ? new QueryFailedError(text, values, error) : error;
    }
  }

  /** Runs `work` in a transaction, joining the one already open in this async context. */
  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const open = this.current.getStore();
    if (open) return work(open.manager);
    return this.dataSource.transaction((manager) => this.current.run(begun(manager), () => work(manager)));
  }

  /**
   * Like `run()`, but the transaction begins at its first query: until then no connection is taken,
   * so slow work before it (an upstream lookup, password hashing, DNS) blocks no one. Work that
   * never queries commits nothing.
   */
  async runDeferred<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const open = this.current.getStore();
    if (open) return work(open.manager);
    const runner = this.dataSource.createQueryRunner();
    const { hasBegun, begin } = beginOnFirstQuery(runner);
    const connection = async () => {
      await begin();
      return connectionOf(runner);
    };
    try {
      const result = await this.current.run({ manager: runner.manager, hasBegun, connection }, () => work(runner.manager));
      if (hasBegun()) await runner.commitTransaction();
      return result;
    } catch (error) {
      if (hasBegun() && !runner.isReleased) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      markEnded(runner);
      await runner.release();
    }
  }

  /** Runs `work` in a new transaction of its own, even inside another (e.g. recording a denial). */
  runDetached<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.current.exit(() =>
      this.dataSource.transaction((manager) => this.current.run(begun(manager), () => work(manager))),
    );
  }

  /**
   * Reads what slow I/O needs to know (e.g. the registration a DVLA lookup is for) before a deferred
   * transaction has begun: on a pooled connection given back at once, so the I/O that follows holds
   * none. Once the transaction has begun, `work` joins it (a second connection could wait on it
   * forever on PGlite). What it read may change before the transaction begins: re-read it there.
   */
  readAhead<T>(work: () => Promise<T>): Promise<T> {
    const open = this.current.getStore();
    if (open?.hasBegun()) return work();
    return this.current.exit(work);
  }
}

interface OpenTransaction {
  manager: EntityManager;
  /** Whether BEGIN has been sent (a deferred transaction sends it at its first query). */
  hasBegun: () => boolean;
  /** The transaction's own pg connection, BEGIN sent. */
  connection: () => Promise<PoolClient>;
}

const begun = (manager: EntityManager): OpenTransaction => ({ manager, hasBegun: () => true, connection: () => connectionOf(manager.queryRunner!) });

/** The pg connection under a TypeORM query runner (connected on first use). */
const connectionOf = (runner: QueryRunner): Promise<PoolClient> => runner.connect() as Promise<PoolClient>;

/**
 * Makes `runner` behave as if its transaction were open (so TypeORM's own writes never open and
 * commit one of their own) while sending `START TRANSACTION` only before its first query.
 * Answers whether it has begun, and how to begin it without a query of the runner's.
 */
function beginOnFirstQuery(runner: QueryRunner): { hasBegun: () => boolean; begin: () => Promise<unknown> } {
  const query = runner.query.bind(runner);
  let started: Promise<unknown> | undefined;
  const begin = () => (started ??= query('START TRANSACTION'));
  setTransactionState(runner, true);
  runner.query = ((sql: string, parameters?: unknown[], structured?: boolean) =>
    begin().then(() => query(sql, parameters, structured as true))) as QueryRunner['query'];
  return { hasBegun: () => started !== undefined, begin };
}

/** After a deferred transaction that never began, release() must not think one is open. */
function markEnded(runner: QueryRunner): void {
  setTransactionState(runner, false);
}

function setTransactionState(runner: QueryRunner, active: boolean): void {
  Object.assign(runner, { isTransactionActive: active, transactionDepth: active ? 1 : 0 });
}
