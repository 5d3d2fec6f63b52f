import { Readable } from 'node:stream';
import { Injectable, StreamableFile } from '@nestjs/common';
import type { Principal } from '../identity/principal.js';
import { AuditLogService } from './audit-log.service.js';
import { csvRow } from './csv.js';
import { AuditEventResponse } from './dto/audit-event.dto.js';
import type { AuditExportQuery, ExportFormat } from './dto/audit-query.dto.js';

const CSV_COLUMNS = [
  'id', 'seq', 'occurredAt', 'companyId', 'actorType', 'actorId', 'actorName', 'actorPublicId', 'ip', 'userAgent',
  'requestId', 'action', 'method', 'path', 'resourceType', 'resourceId', 'status', 'outcome', 'creditsSpent',
  'idempotencyKey', 'prevHash', 'hash',
] as const;

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/**
 * Streams a company's log oldest first (chain order) as CSV or NDJSON. The response pulls from a
 * batched database reader, one batch at a time, so memory stays flat whatever the size.
 */
@Injectable()
export class AuditExportService {
  constructor(private readonly log: AuditLogService) {}

  export(principal: Principal, query: AuditExportQuery): StreamableFile {
    const lines = query.format === 'csv' ? this.csvLines(principal, query) : this.ndjsonLines(principal, query);
    return new StreamableFile(Readable.from(lines, { objectMode: false, highWaterMark: 1 }), {
      type: CONTENT_TYPES[query.format],
      disposition: `attachment; filename="audit-log.${query.format}"`,
    });
  }

  private async *csvLines(principal: Principal, query: AuditExportQuery): AsyncGenerator<string> {
    yield csvRow(CSV_COLUMNS);
    for await (const batch of this.log.inChainOrder(principal.companyId, query)) {
      yield batch.map((row) => csvRow(csvValues(AuditEventResponse.of(row)))).join('');
    }
  }

  private async *ndjsonLines(principal: Principal, query: AuditExportQuery): AsyncGenerator<string> {
    for await (const batch of this.log.inChainOrder(principal.companyId, query)) {
      yield batch.map((row) => `${JSON.stringify(AuditEventResponse.of(row))}\n`).join('');
    }
  }
}

function csvValues(event: AuditEventResponse): Array<string | number | null | undefined> {
  return [
    event.id, event.seq, event.occurredAt, event.companyId, event.actor.type, event.actor.id, event.actor.name,
    event.actor.publicId, event.ip, event.userAgent, event.requestId, event.action, event.method, event.path,
    event.resourceType, event.resourceId, event.status, event.outcome, event.creditsSpent, event.idempotencyKey,
    event.prevHash, event.hash,
  ];
}
