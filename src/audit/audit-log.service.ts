import { Injectable } from '@nestjs/common';
import { escapeLiteral, type PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import { invalid } from '../platform/http/validation.pipe.js';
import { Page } from '../platform/http/pagination/page-query.dto.js';
import { copyOut, poolOf } from '../platform/database/pool.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { chainHash, GENESIS_HASH } from './audit-chain.js';
import { AuditEvent } from './audit-event.entity.js';
import { CompanyScanGate } from './company-scan-gate.js';
import { type ScanWindow, scanWindows } from './scan-windows.js';
import { AUDIT_CSV_COLUMNS, AUDIT_NDJSON_LINE, AUDIT_ROW_COLUMNS, type AuditRow, chainedOfRow, COL } from './audit-rows.js';
import { type AuditBrokenRange, AuditEventResponse, type AuditVerifyResponse } from './dto/audit-event.dto.js';
import type { AuditLogQuery, AuditRangeQuery, ExportFormat } from './dto/audit-query.dto.js';

/** Seqs per window of a chain-order scan of rows (verify): a few MB of text, a few ms of the database's time. */
const ROW_WINDOW = 500;
/**
 * An export's COPY window holds ~1 MB of records: as many seqs as that makes at the size of the window before
 * (~2,000 events; events that carry large `changes` make fewer), within these bounds. Larger windows leave
 * the database idle longer while Node writes one; smaller ones pay a query each.
 */
const COPY_WINDOW = { bytes: 1 << 20, firstSeqs: 200, minSeqs: 20, maxSeqs: 4_000 };

/** Every column as the text the database sent: the scan formats or parses only what it uses. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value };

/** How many seqs the next COPY window asks for, after `previous`. */
export function copyWindowSeqs(previous?: ScanWindow<Buffer>): number {
  if (previous === undefined) return COPY_WINDOW.firstSeqs;
  const seqs = Math.floor(COPY_WINDOW.bytes * (previous.high - previous.low) / Math.max(previous.value.length, 1));
  return Math.min(COPY_WINDOW.maxSeqs, Math.max(COPY_WINDOW.minSeqs, seqs));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reading the log: lists, one event, batched chain-order scans (export, verify). Always one company's. */
@Injectable()
export class AuditLogService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly gate: CompanyScanGate,
    private readonly dataSource: DataSource,
  ) {}

  /** Newest first, keyset on the company's seq: each page is one index range scan however deep. */
  async list(principal: Principal, query: AuditLogQuery): Promise<Page<AuditEventResponse>> {
    const builder = this.uow.repository(AuditEvent).createQueryBuilder('event')
      .where('event.companyId = :companyId', { companyId: principal.companyId });
    if (query.actorId) builder.andWhere('event.actorId = :actorId', { actorId: query.actorId });
    if (query.actor) {
      const column = UUID.test(query.actor) ? 'event.actorId' : 'event.actorPublicId';
      builder.andWhere(`${column} = :actor`, { actor: query.actor.toLowerCase() });
    }
    if (query.action?.endsWith('.*')) {
      // `api_key.*`: every action under the prefix (the pattern has only [a-z_.], `_` escaped)
      builder.andWhere("event.action LIKE :actionPrefix ESCAPE '\\'", { actionPrefix: `${query.action.slice(0, -1).replace(/_/g, '\\_')}%` });
    } else if (query.action) {
      builder.andWhere('event.action = :action', { action: query.action });
    }
    if (query.resourceType) builder.andWhere('event.resourceType = :resourceType', { resourceType: query.resourceType });
    if (query.resourceId) builder.andWhere('event.resourceId = :resourceId', { resourceId: query.resourceId });
    if (query.outcome) builder.andWhere('event.outcome = :outcome', { outcome: query.outcome });
    if (query.from) builder.andWhere('event.occurredAt >= :from', { from: new Date(query.from) });
    if (query.to) builder.andWhere('event.occurredAt < :to', { to: new Date(query.to) });
    if (query.cursor) builder.andWhere('event.seq < :cursor', { cursor: decodeSeqCursor(query.cursor) });
    const rows = await builder.orderBy('event.seq', 'DESC').limit(query.limit + 1).getMany();
    const hasMore = rows.length > query.limit;
    const data = hasMore ? rows.slice(0, query.limit) : rows;
    return new Page(data.map((row) => AuditEventResponse.of(row)), hasMore ? encodeSeqCursor(data[data.length - 1].seq) : null);
  }

  async get(principal: Principal, id: string): Promise<AuditEventResponse> {
    const row = await this.uow.repository(AuditEvent).findOne({ where: { id, companyId: principal.companyId } });
    if (!row) throw DomainError.notFound('Audit event');
    return AuditEventResponse.of(row);
  }

  /**
   * Every seq from the first to the last event of the range, oldest first (verify: a missing seq
   * shows), in windows of ROW_WINDOW seqs, each row an array of its columns' text (no parsing, no
   * object per row).
   */
  async *inChainOrder(companyId: string, range: AuditRangeQuery): AsyncGenerator<AuditRow[]> {
    const text = `SELECT ${AUDIT_ROW_COLUMNS} FROM audit_events WHERE company_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq`;
    for await (const { value } of this.windows(companyId, range, () => ROW_WINDOW, async (client, low, high) =>
      (await client.query<AuditRow>({ text, values: [companyId, low, high], rowMode: 'array', types: RAW_TEXT })).rows)) {
      if (value.length > 0) yield value;
    }
  }

  /**
   * The export's records oldest first, as the database writes them (`COPY`: no row reaches Node as
   * values), in windows of ~1 MB (COPY_WINDOW): CSV records (AUDIT_CSV_COLUMNS, ended by LF) or NDJSON
   * lines (AUDIT_NDJSON_LINE). `from`/`to` bound `occurredAt`. COPY takes no parameters, so the values
   * are literals: the company id and two instants the service formats itself, each escaped.
   */
  async *copyInChainOrder(companyId: string, range: AuditRangeQuery, format: ExportFormat): AsyncGenerator<ScanWindow<Buffer>> {
    const filter = `company_id = ${escapeLiteral(companyId)}${
      range.from ? ` AND occurred_at >= ${escapeLiteral(new Date(range.from).toISOString())}` : ''}${
      range.to ? ` AND occurred_at < ${escapeLiteral(new Date(range.to).toISOString())}` : ''}`;
    // NDJSON: one column, CSV format with a quote and a delimiter JSON text never holds raw (control
    // characters are escaped in it), so the line is written exactly as built; text format would escape its backslashes
    const [columns, options] = format === 'csv'
      ? [AUDIT_CSV_COLUMNS, 'FORMAT csv']
      : [AUDIT_NDJSON_LINE, "FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02'"];
    const copy = (low: number, high: number) =>
      `COPY (SELECT ${columns} FROM audit_events WHERE ${filter} AND seq > ${low} AND seq <= ${high} ORDER BY seq) TO STDOUT (${options})`;
    for await (const window of this.windows(companyId, range, copyWindowSeqs, (client, low, high) => copyOut(client, copy(low, high)))) {
      if (window.value.length > 0) yield window;
    }
  }

  /** A chain-order scan of the range in windows (`scanWindows`), by the unique (company_id, seq) index. */
  private async *windows<T>(companyId: string, range: AuditRangeQuery, seqs: (previous?: ScanWindow<T>) => number,
    read: (client: PoolClient, low: number, high: number) => Promise<T>): AsyncGenerator<ScanWindow<T>> {
    const span = await this.seqSpan(companyId, range);
    if (span) yield* scanWindows(poolOf(this.dataSource), span.first, span.last, seqs, read);
  }

  /**
   * The seqs of the range: from seq 1 (no `from`) or the first event at or after `from`, to the chain
   * head (no `to`: events deleted from the end count) or the last event before `to`.
   */
  private async seqSpan(companyId: string, range: AuditRangeQuery): Promise<{ first: number; last: number } | undefined> {
    const [bounds] = await this.uow.manager.query<Array<{ first: string | null; last: string | null }>>(
      `SELECT
         ${range.from ? `(SELECT seq FROM audit_events WHERE company_id = $1 AND occurred_at >= $2 ORDER BY occurred_at, seq LIMIT 1)` : '1'} AS first,
         ${range.to
           ? `(SELECT seq FROM audit_events WHERE company_id = $1 AND occurred_at < $${range.from ? 3 : 2} ORDER BY occurred_at DESC, seq DESC LIMIT 1)`
           : `(SELECT greatest((SELECT seq FROM audit_chain_heads WHERE company_id = $1), (SELECT max(seq) FROM audit_events WHERE company_id = $1)))`} AS last`,
      [companyId, ...[range.from, range.to].filter((value): value is string => value !== undefined).map((value) => new Date(value))],
    );
    if (bounds.first === null || bounds.last === null || Number(bounds.first) > Number(bounds.last)) return undefined;
    return { first: Number(bounds.first), last: Number(bounds.last) };
  }

  /**
   * Re-computes the chain over the range and reports every broken part, not only the first: each
   * event's hash from its own fields and prevHash, each prevHash against the event before it, and
   * every seq present. Without `from` the check starts at seq 1 (events deleted from the start show);
   * without `to` it ends at the company's chain head (events deleted from the end show). The first
   * event of a range that starts later is trusted for its prevHash only.
   */
  verify(principal: Principal, range: AuditRangeQuery): Promise<AuditVerifyResponse> {
    return this.gate.run(principal.companyId, () => this.verifyChain(principal, range));
  }

  private async verifyChain(principal: Principal, range: AuditRangeQuery): Promise<AuditVerifyResponse> {
    const span = await this.seqSpan(principal.companyId, range);
    const report = new ChainReport();
    if (!span) return report.result();
    let expectedSeq = span.first;
    let previousHash: string | undefined = span.first === 1 ? GENESIS_HASH : undefined;
    for await (const rows of this.inChainOrder(principal.companyId, range)) {
      for (const row of rows) {
        const seq = Number(row[COL.seq]);
        if (seq > expectedSeq) {
          report.missing(expectedSeq, seq - 1, row[COL.id]);
          previousHash = undefined; // the gap already explains a prevHash that does not follow
        }
        const linked = previousHash === undefined || row[COL.prevHash] === previousHash;
        report.checked(seq, row[COL.id], linked && chainHash(chainedOfRow(row), row[COL.prevHash]) === row[COL.hash]);
        previousHash = row[COL.hash];
        expectedSeq = seq + 1;
      }
    }
    if (expectedSeq <= span.last) report.missing(expectedSeq, span.last, null);
    return report.result();
  }
}

/** The verdict being built while a chain is scanned: broken seqs merged into ranges as they come. */
class ChainReport {
  private count = 0;
  private readonly ranges: AuditBrokenRange[] = [];
  private firstBrokenId?: string;
  private missingFromSeq?: number;

  checked(seq: number, id: string, intact: boolean): void {
    this.count += 1;
    if (intact) return;
    this.firstBrokenId ??= id;
    const last = this.ranges.at(-1);
    if (last && last.reason === 'altered' && last.toSeq === seq - 1) last.toSeq = seq;
    else this.ranges.push({ reason: 'altered', fromSeq: seq, toSeq: seq, firstId: id });
  }

  /** Seqs `fromSeq`..`toSeq` are missing; `nextId` is the event after them (null: they end the chain). */
  missing(fromSeq: number, toSeq: number, nextId: string | null): void {
    this.ranges.push({ reason: 'missing', fromSeq, toSeq, firstId: null });
    if (nextId) this.firstBrokenId ??= nextId;
    else this.missingFromSeq = fromSeq;
  }

  result(): AuditVerifyResponse {
    if (this.ranges.length === 0) return { valid: true, checked: this.count };
    return {
      valid: false,
      checked: this.count,
      ...(this.firstBrokenId ? { firstBrokenId: this.firstBrokenId } : {}),
      ...(this.missingFromSeq !== undefined ? { missingFromSeq: this.missingFromSeq } : {}),
      brokenRanges: this.ranges,
    };
  }
}

function encodeSeqCursor(seq: string): string {
  return Buffer.from(`s1:${seq}`).toString('base64url');
}

function decodeSeqCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString();
  const seq = decoded.startsWith('s1:') ? decoded.slice(3) : '';
  if (!/^[1-9][0-9]{0,17}$/.test(seq)) throw invalid([{ field: 'cursor', message: 'is not a valid cursor' }]);
  return seq;
}
