import { Injectable } from '@nestjs/common';
import type { QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import { fuseRowReads } from './fused-row-reads.js';
import { poolOf, type PreparedStatement, queryPipelined, withPooledConnection } from './pool.js';

interface QueuedRead {
  statement: PreparedStatement;
  /** The statement answers at most one row (a lookup by a unique key). */
  oneRow: boolean;
  resolve: (rows: QueryResultRow[]) => void;
  reject: (error: unknown) => void;
}

export interface ReadOptions {
  /** The statement answers at most one row (a lookup by a unique key); more is refused as an error. */
  oneRow?: boolean;
}

/**
 * Short reads on the pool (credential lookups, a route's read-ahead). Idle, a read is sent at once on
 * a connection of its own, so the reads of one request run side by side. Once reads are in flight,
 * those that start in the same event-loop turn go to the database together at its end: on one pooled
 * connection, in one write, each statement with its own Sync (queryPipelined), so each answers and
 * fails on its own. Under load one backend then wakes for a turn's reads instead of one per read, and
 * a request takes no second connection from the pool for its read-ahead. Reads sent together that
 * each answer at most one row go as one statement (fuseRowReads): one request's credential lookup and
 * read-ahead cost the database and the client one statement, not two. Only for short statements
 * outside any transaction: a slow one would hold up the rest of its turn.
 */
@Injectable()
export class PointReads {
  private queued: QueuedRead[] = [];
  private gatherers: Array<() => void> = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(private readonly dataSource: DataSource) {}

  read<R extends QueryResultRow>(statement: PreparedStatement, { oneRow = false }: ReadOptions = {}): Promise<R[]> {
    return new Promise<R[]>((resolve, reject) => {
      const read = { statement, oneRow, resolve: resolve as (rows: QueryResultRow[]) => void, reject };
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
    const fused = reads.length > 1 && reads.every((read) => read.oneRow) ? fuseRowReads(reads.map((read) => read.statement)) : undefined;
    try {
      await withPooledConnection(pool, async (client) => {
        if (fused) {
          const [answer] = await queryPipelined(pool, client, [fused.statement]);
          const rows = fused.rowsOf(await answer);
          reads.forEach((read, index) => read.resolve(rows[index] ? [rows[index]] : []));
          return;
        }
        const answers = await Promise.allSettled(await queryPipelined(pool, client, reads.map((read) => read.statement)));
        answers.forEach((answer, index) => (answer.status === 'fulfilled' ? answerRead(reads[index], answer.value.rows) : reads[index].reject(answer.reason)));
        const failed = answers.find((answer) => answer.status === 'rejected');
        if (failed) throw failed.reason; // the connection is dropped, not reused
      });
    } catch (error) {
      for (const read of reads) read.reject(error); // those already answered keep their answer
    } finally {
      this.inFlight--;
    }
  }
}

function answerRead(read: QueuedRead, rows: QueryResultRow[]): void {
  if (read.oneRow && rows.length > 1) read.reject(new Error(`Read ${read.statement.name} answered ${rows.length} rows, not at most one`));
  else read.resolve(rows);
}
