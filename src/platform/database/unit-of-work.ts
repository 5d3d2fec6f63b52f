import { Injectable } from '@nestjs/common';
import type { QueryResultRow } from 'pg';
import { DataSource, type EntityManager, type EntityTarget, type ObjectLiteral, QueryFailedError, type Repository } from 'typeorm';
import { RunScopedStorage } from '../async-context/run-scoped-storage.js';
import { connectionOf, DeferredTransaction } from './deferred-transaction.js';
import { PointReads } from './point-reads.js';
import { poolOf, type PreparedStatement, queryPreparedOn, queryPreparedOnPool } from './pool.js';

/**
 * The owner of transactions. Code that runs inside `run()` (including everything a request handler
 * calls while the write pipeline holds a transaction open) reaches the database through
 * `manager`/`repository()`, so every query of a transaction goes through that transaction's
 * connection: on PGlite's single backend a query on a second connection would wait forever.
 */
@Injectable()
export class UnitOfWork {
  private readonly current = new RunScopedStorage<OpenTransaction>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly pointReads: PointReads,
  ) {}

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
   * transaction's connection (a deferred transaction's first one carries its BEGIN); outside one, on
   * a pooled connection (queryPreparedOnPool). It fails with a QueryFailedError, as TypeORM's own
   * queries do.
   */
  queryPrepared<R extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R[]> {
    return this.runPrepared({ name, text, values }, (statement) => queryPreparedOnPool<R>(poolOf(this.dataSource), statement.name, statement.text, statement.values));
  }

  /**
   * The same for a read of one row by a unique key (a route's read-ahead): its row, if any. Outside a
   * transaction it is sent with the event-loop turn's other point reads, on one connection (PointReads).
   */
  async pointRead<R extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R | undefined> {
    const rows = await this.runPrepared({ name, text, values }, (statement) => this.pointReads.read<R>(statement, { oneRow: true }));
    return rows[0];
  }

  private async runPrepared<R extends QueryResultRow>(statement: PreparedStatement, outsideTransaction: (statement: PreparedStatement) => Promise<R[]>): Promise<R[]> {
    const open = this.current.getStore();
    try {
      return open ? await open.query<R>(statement.name, statement.text, statement.values) : await outsideTransaction(statement);
    } catch (error) {
      throw asQueryFailed(error, statement.text, statement.values);
    }
  }

  /**
   * A hand-written statement whose work belongs at COMMIT (an audit event to be chained after it, a
   * credit debit that locks the company row). In a deferred transaction it is held back and sent with
   * the COMMIT, in its round trip, in the order staged; in any other, it runs now. Its failure fails the
   * commit.
   */
  async stageForCommit(name: string, text: string, values: unknown[]): Promise<void> {
    const open = this.current.getStore();
    if (!open) throw new Error('stageForCommit runs inside a transaction');
    try {
      await open.stageForCommit({ name, text, values });
    } catch (error) {
      throw asQueryFailed(error, text, values);
    }
  }

  /** Runs `work` in a transaction, joining the one already open in this async context. */
  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const open = this.current.getStore();
    if (open) return work(open.manager);
    return this.inNewTransaction(work);
  }

  /**
   * Work that belongs right after the open transaction commits (chaining its audit events), run once
   * per `key` however often it is asked for, before the transaction's caller goes on; nothing runs if
   * the transaction rolls back. `work` must not fail: what it does, it does for a committed write.
   */
  afterCommit(key: string, work: () => Promise<void>): void {
    const open = this.current.getStore();
    if (!open) throw new Error('afterCommit runs inside a transaction');
    if (!open.afterCommit.has(key)) open.afterCommit.set(key, work);
  }

  /**
   * Like `run()`, but the transaction begins at its first query, and its BEGIN and COMMIT travel with
   * statements (DeferredTransaction): until then no connection is taken, so slow work before it (an
   * upstream lookup, password hashing, DNS) blocks no one. Work that never queries commits nothing.
   */
  async runDeferred<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const open = this.current.getStore();
    if (open) return work(open.manager);
    const runner = this.dataSource.createQueryRunner();
    const deferred = new DeferredTransaction(runner, poolOf(this.dataSource));
    let result: T;
    try {
      result = await this.current.run(deferred, () => work(runner.manager));
      await deferred.commit().catch((error: unknown) => {
        throw asQueryFailed(error, 'COMMIT', []);
      });
    } catch (error) {
      await deferred.rollback();
      throw error;
    } finally {
      await deferred.release();
    }
    await runAfterCommit(deferred);
    return result;
  }

  /** Runs `work` in a new transaction of its own, even inside another (e.g. recording a denial). */
  runDetached<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.current.exit(() => this.inNewTransaction(work));
  }

  /** A transaction TypeORM begins and commits, then its after-commit work (`run`, `runDetached`). */
  private async inNewTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    let open: OpenTransaction | undefined;
    const result = await this.dataSource.transaction((manager) => this.current.run((open = this.begun(manager)), () => work(manager)));
    await runAfterCommit(open!);
    return result;
  }

  /** The open transaction TypeORM began (`inNewTransaction`). */
  private begun(manager: EntityManager): OpenTransaction {
    const pool = poolOf(this.dataSource);
    const query: OpenTransaction['query'] = async (name, text, values) => queryPreparedOn(pool, await connectionOf(manager.queryRunner!), name, text, values);
    return {
      manager,
      hasBegun: () => true,
      query,
      // run now: a credit debit staged here holds the company row from now to TypeORM's COMMIT
      stageForCommit: async ({ name, text, values }) => void (await query(name, text, values)),
      afterCommit: new Map(),
    };
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
  /** Whether BEGIN has been sent (a deferred transaction sends it with its first query). */
  hasBegun: () => boolean;
  /** A prepared statement on the transaction's own connection. */
  query: <R extends QueryResultRow>(name: string, text: string, values: unknown[]) => Promise<R[]>;
  /** A statement whose work belongs at COMMIT: held back to travel with it (DeferredTransaction), or run now. */
  stageForCommit: (statement: PreparedStatement) => void | Promise<void>;
  /** Work to run once it has committed, by key (UnitOfWork.afterCommit). */
  afterCommit: Map<string, () => Promise<void>>;
}

/** Each piece of after-commit work, in the order it was asked for. */
async function runAfterCommit(committed: OpenTransaction): Promise<void> {
  for (const work of committed.afterCommit.values()) await work();
}

/** A driver error as TypeORM's own queries fail: a QueryFailedError naming the statement. */
function asQueryFailed(error: unknown, text: string, values: unknown[]): unknown {
  return error instanceof Error && !(error instanceof QueryFailedError) ? new QueryFailedError(text, values, error) : error;
}
