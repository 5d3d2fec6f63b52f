import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { EntityManager, QueryRunner } from 'typeorm';
import { type PreparedStatement, queryPipelined, queryPreparedOn, type Statement, type StatementResult } from './pool.js';

const BEGIN: Statement = { text: 'START TRANSACTION' };
const COMMIT: Statement = { text: 'COMMIT' };

/**
 * A transaction that takes no connection until its first query, and whose BEGIN and COMMIT travel
 * with statements instead of in round trips of their own (issue #15): BEGIN goes with the first
 * hand-written statement, and the statements staged for the COMMIT (a credit debit, an audit event)
 * go with the COMMIT. A write of one statement is two round trips, not four. TypeORM's own queries
 * in it begin it alone, as before.
 */
export class DeferredTransaction {
  private started: Promise<unknown> | undefined;
  private readonly staged: Statement[] = [];
  /** Work to run once it has committed (UnitOfWork.afterCommit). */
  readonly afterCommit = new Map<string, () => Promise<void>>();
  /** Whether the server has ended it (COMMIT answered, however): nothing to roll back. */
  private ended = false;
  private readonly runnerQuery: QueryRunner['query'];

  constructor(
    private readonly runner: QueryRunner,
    private readonly pool: Pool,
  ) {
    this.runnerQuery = runner.query.bind(runner);
    // TypeORM must see its transaction open, so that its own writes never open and commit one of their own
    setTransactionState(runner, true);
    runner.query = ((sql: string, parameters?: unknown[], structured?: boolean) =>
      this.begin().then(() => this.runnerQuery(sql, parameters, structured as true))) as QueryRunner['query'];
  }

  /** TypeORM's manager on this transaction's runner. */
  get manager(): EntityManager {
    return this.runner.manager;
  }

  /** Whether BEGIN has been sent. */
  hasBegun(): boolean {
    return this.started !== undefined;
  }

  /** A hand-written statement in the transaction: the first one carries the BEGIN. */
  async query<R extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R[]> {
    if (this.started) {
      await this.started;
      return queryPreparedOn<R>(this.pool, await connectionOf(this.runner), name, text, values);
    }
    const answers = this.send([BEGIN, { name, text, values }]);
    this.started = answers.then(([begun]) => begun);
    this.started.catch(() => undefined); // the statement's own failure is what the caller sees
    const [, answer] = await answers;
    return ((await answer) as StatementResult<R>).rows;
  }

  /** Holds `statement` back to run just before the COMMIT, in its round trip: if it fails, nothing commits. */
  stageForCommit(statement: PreparedStatement): void {
    this.staged.push(statement);
  }

  /**
   * COMMIT with the staged statements before it (and BEGIN, if nothing began it). Fails with the first
   * failure among them, and also when the COMMIT answered ROLLBACK: a statement of the transaction
   * had failed, so nothing of it was stored.
   */
  async commit(): Promise<void> {
    if (!this.started && this.staged.length === 0) return;
    if (this.started) await this.started;
    const answers = await this.send([...(this.started ? [] : [BEGIN]), ...this.staged.splice(0), COMMIT]);
    const settled = await Promise.allSettled(answers);
    this.ended = true;
    const failed = settled.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    const committed = settled.at(-1) as PromiseFulfilledResult<StatementResult>;
    if (committed.value.command !== 'COMMIT') throw new Error(`The transaction had failed: COMMIT answered ${committed.value.command}`);
  }

  /** ROLLBACK, unless it never began or the server has ended it; a failure to roll back is the connection's, and is left to release. */
  async rollback(): Promise<void> {
    if (this.started && !this.ended && !this.runner.isReleased) await this.runnerQuery('ROLLBACK').catch(() => undefined);
  }

  /** Gives the connection back (TypeORM must not think a transaction is still open on it). */
  async release(): Promise<void> {
    setTransactionState(this.runner, false);
    await this.runner.release();
  }

  private begin(): Promise<unknown> {
    return (this.started ??= this.runnerQuery(BEGIN.text));
  }

  private async send(statements: Statement[]): Promise<Array<Promise<StatementResult>>> {
    return queryPipelined(this.pool, await connectionOf(this.runner), statements);
  }
}

/** The pg connection under a TypeORM query runner (connected on first use). */
export const connectionOf = (runner: QueryRunner): Promise<PoolClient> => runner.connect() as Promise<PoolClient>;

function setTransactionState(runner: QueryRunner, active: boolean): void {
  Object.assign(runner, { isTransactionActive: active, transactionDepth: active ? 1 : 0 });
}
