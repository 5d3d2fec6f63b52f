import { Readable } from 'node:stream';
import { Injectable, StreamableFile } from '@nestjs/common';
import type { Principal } from '../identity/principal.js';
import { Lifecycle } from '../platform/lifecycle/lifecycle.js';
import { AuditLogService } from './audit-log.service.js';
import type { ScanWindow } from './scan-windows.js';
import { NDJSON_SEQ_OFFSET } from './audit-rows.js';
import { CompanyScanGate } from './company-scan-gate.js';
import { AuditCheckpoints } from './checkpoints/audit-checkpoints.service.js';
import type { Checkpoint } from './checkpoints/checkpoint-signature.js';
import { crlfRecords, csvRow } from './csv.js';
import { invalid } from '../platform/http/validation.pipe.js';
import type { AuditExportQuery, ExportFormat } from './dto/audit-query.dto.js';

const CSV_COLUMNS = [
  'id', 'seq', 'occurredAt', 'companyId', 'actorType', 'actorId', 'actorName', 'actorPublicId', 'ip', 'userAgent',
  'requestId', 'action', 'method', 'path', 'resourceType', 'resourceId', 'status', 'outcome', 'creditsSpent',
  'idempotencyKey', 'prevHash', 'hash', 'changes',
] as const;

const LF = 0x0a;
const COMMA = 0x2c;

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/** What a stream cut short by the instance stopping ends with, so the file is never silently short. */
const INTERRUPTED: Record<ExportFormat, string> = {
  csv: '# export interrupted\r\n',
  ndjson: `${JSON.stringify({ error: { code: 'export_interrupted', detail: 'The export was interrupted (the server is shutting down); request it again.' } })}\n`,
};

/**
 * Streams a company's log oldest first (chain order) as CSV or NDJSON, each record written by the
 * database itself (COPY of audit-rows.ts' formats: no row is parsed or built in Node), one window at a
 * time as the client reads (back-pressure): memory stays flat whatever the size. One scan per company
 * at a time (CompanyScanGate).
 */
@Injectable()
export class AuditExportService {
  constructor(
    private readonly log: AuditLogService,
    private readonly gate: CompanyScanGate,
    private readonly lifecycle: Lifecycle,
    private readonly checkpoints: AuditCheckpoints,
  ) {}

  async export(principal: Principal, query: AuditExportQuery): Promise<StreamableFile> {
    if (query.checkpoints === 'true' && query.format !== 'ndjson') {
      throw invalid([{ field: 'checkpoints', message: 'checkpoints=true needs format=ndjson' }]);
    }
    const leave = await this.gate.enter(principal.companyId);
    const stream = Readable.from(this.lines(principal, query, leave), { objectMode: false, highWaterMark: 1 });
    stream.once('close', () => void leave()); // a client gone, or a failed window: the slot is freed all the same
    return new StreamableFile(stream, {
      type: CONTENT_TYPES[query.format],
      disposition: `attachment; filename="audit-log.${query.format}"`,
    });
  }

  private async *lines(principal: Principal, query: AuditExportQuery, leave: () => Promise<void>): AsyncGenerator<string | Buffer> {
    if (query.format === 'csv') yield csvRow(CSV_COLUMNS);
    const deadline = this.lifecycle.streamsDeadline;
    for await (const window of this.log.copyInChainOrder(principal.companyId, query, query.format)) {
      if (deadline.aborted) break;
      if (query.format === 'csv') yield crlfRecords(window.value);
      else if (query.checkpoints === 'true') yield* this.withCheckpoints(principal.companyId, window);
      else yield window.value;
    }
    await leave(); // before the response ends: the client may start its next scan the moment it does
    if (deadline.aborted) yield INTERRUPTED[query.format];
  }

  /** The window's NDJSON lines with each signed checkpoint right after the event it covers (one indexed query per window). */
  private async *withCheckpoints(companyId: string, window: ScanWindow<Buffer>): AsyncGenerator<string | Buffer> {
    const signed = await this.checkpoints.inSeqRange(companyId, window.low + 1, window.high);
    const records = window.value;
    let next = 0;
    let written = 0;
    for (let start = 0; start < records.length && next < signed.length;) {
      const newline = records.indexOf(LF, start);
      const end = newline === -1 ? records.length : newline + 1;
      const seq = Number(records.toString('latin1', start + NDJSON_SEQ_OFFSET, records.indexOf(COMMA, start + NDJSON_SEQ_OFFSET)));
      let covering = '';
      for (; next < signed.length && signed[next].seq <= seq; next += 1) {
        if (signed[next].seq === seq) covering += checkpointLine(signed[next]);
      }
      if (covering) {
        yield records.subarray(written, end);
        yield covering;
        written = end;
      }
      start = end;
    }
    if (written < records.length) yield records.subarray(written);
  }
}

function checkpointLine(checkpoint: Checkpoint): string {
  return `${JSON.stringify({ type: 'checkpoint', ...checkpoint })}\n`;
}
