import { Injectable } from '@nestjs/common';
import type { PoolClient, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import { poolOf, type PreparedStatement, queryPipelined } from './pool.js';

interface QueuedRead {
  statement: PreparedStatement;
  resolve: (rows: QueryResultRow[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Short reads on the pool (credential lookups, a route's read-ahead). Idle, a read is sent at once on
 * a connection of its own, so the reads of one request run side by side. Once reads are in flight,
 * those that start in the same event-loop turn go to the database together at its end: on one pooled
 * connection, in one write, each statement with its own Sync (queryPipelined), so each answers and
 * fails on its own. Under load one backend then wakes for a turn's reads instead of one per read, and
 * a request takes no second connection from the pool for its read-ahead. Only for short statements
 * outside any transaction: a slow one would hold up the rest of its turn.
 */
@Injectable()
export class PointReads {
  private queued: QueuedRead[] = [];
  private gatherers: Array<() => void> = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(private readonly dataSource: DataSource) {}

  read<R extends QueryResultRow>(statement: PreparedStatement): Promise<R[]> {
    return new Promise<R[]>((resolve, reject) => {
      const read = { statement, resolve: resolve as (rows: QueryResultRow[]) => void, reject };
      if (this.inFlight === 0 && !this.scheduled) {
        void this.send([read]);
        return;
      }
      this.queued.push(read);
      this.schedule();
    });
  }

  /** Calls `gather` just before the turn's reads are sent, to add its own (a batched lookup's one query for all its keys). */
  beforeSend(gather: () => void): void {
    this.gatherers.push(gather);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // at the end of the turn: the requests that arrived in it start their reads a few microtasks apart
    setImmediate(() => void this.sendTurn());
  }

  private sendTurn(): Promise<void> {
    const gatherers = this.gatherers;
    this.gatherers = [];
    for (const gather of gatherers) gather();
    const reads = this.queued;
    this.queued = [];
    this.scheduled = false;
    return reads.length > 0 ? this.send(reads) : Promise.resolve();
  }

  private async send(reads: QueuedRead[]): Promise<void> {
    this.inFlight++;
    const pool = poolOf(this.dataSource);
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      this.inFlight--;
      for (const read of reads) read.reject(error);
      return;
    }
    let failed = false;
    try {
      const answers = await queryPipelined(pool, client, reads.map((read) => read.statement));
      await Promise.all(
        answers.map((answer, index) =>
          answer.then(
            (result) => reads[index].resolve(result.rows),
            (error: unknown) => {
              failed = true;
              reads[index].reject(error);
            },
          ),
        ),
      );
    } catch (error) {
      failed = true;
      for (const read of reads) read.reject(error);
    } finally {
      this.inFlight--;
      // as pg's own pool.query does: a connection that failed a query is not reused
      client.release(failed);
    }
  }
}
