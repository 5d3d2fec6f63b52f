import { Readable } from 'node:stream';
import { Injectable, StreamableFile } from '@nestjs/common';
import type { Principal } from '../identity/principal.js';
import { Lifecycle } from '../platform/lifecycle/lifecycle.js';
import { AuditLogService } from './audit-log.service.js';
import { COL, eventCsvRecord, eventJsonLine } from './audit-rows.js';
import { CompanyScanGate } from './company-scan-gate.js';
import { AuditCheckpoints } from './checkpoints/audit-checkpoints.service.js';
import type { Checkpoint } from './checkpoints/checkpoint-signature.js';
import { csvRow } from './csv.js';
import { invalid } from '../platform/http/validation.pipe.js';
import type { AuditExportQuery, ExportFormat } from './dto/audit-query.dto.js';

const CSV_COLUMNS = [
  'id', 'seq', 'occurredAt', 'companyId', 'actorType', 'actorId', 'actorName', 'actorPublicId', 'ip', 'userAgent',
  'requestId', 'action', 'method', 'path', 'resourceType', 'resourceId', 'status', 'outcome', 'creditsSpent',
  'idempotencyKey', 'prevHash', 'hash', 'changes',
] as const;

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
 * Streams a company's log oldest first (chain order) as CSV or NDJSON, each line written straight from
 * the row's text (audit-rows.ts: no entity, no object per row), one window at a time as the client
 * reads (back-pressure): memory stays flat whatever the size. One scan per company at a time (CompanyScanGate).
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
    const stream = Readable.from(this.lines(principal, query), { objectMode: false, highWaterMark: 1 });
    stream.once('close', leave);
    return new StreamableFile(stream, {
      type: CONTENT_TYPES[query.format],
      disposition: `attachment; filename="audit-log.${query.format}"`,
    });
  }

  private async *lines(principal: Principal, query: AuditExportQuery): AsyncGenerator<string> {
    if (query.format === 'csv') yield csvRow(CSV_COLUMNS);
    const deadline = this.lifecycle.streamsDeadline;
    const withCheckpoints = query.checkpoints === 'true';
    const line = query.format === 'csv' ? eventCsvRecord : eventJsonLine;
    for await (const rows of this.log.inChainOrder(principal.companyId, query)) {
      if (deadline.aborted) break;
      let chunk = '';
      if (withCheckpoints) {
        // the window's checkpoints, each right after the event it covers (one indexed query per window)
        const signed = await this.checkpoints.inSeqRange(principal.companyId, Number(rows[0][COL.seq]), Number(rows[rows.length - 1][COL.seq]));
        let next = 0;
        for (const row of rows) {
          chunk += line(row);
          const seq = Number(row[COL.seq]);
          while (next < signed.length && signed[next].seq <= seq) {
            if (signed[next].seq === seq) chunk += checkpointLine(signed[next]);
            next += 1;
          }
        }
      } else {
        for (const row of rows) chunk += line(row);
      }
      yield chunk;
    }
    if (deadline.aborted) yield INTERRUPTED[query.format];
  }
}

function checkpointLine(checkpoint: Checkpoint): string {
  return `${JSON.stringify({ type: 'checkpoint', ...checkpoint })}\n`;
}
