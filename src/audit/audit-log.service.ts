import { Injectable } from '@nestjs/common';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import { invalid } from '../platform/http/validation.pipe.js';
import { Page } from '../platform/http/pagination/page-query.dto.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { chainHash, GENESIS_HASH } from './audit-chain.js';
import { AuditEvent, toChained } from './audit-event.entity.js';
import { AuditEventResponse, type AuditVerifyResponse } from './dto/audit-event.dto.js';
import type { AuditLogQuery, AuditRangeQuery } from './dto/audit-query.dto.js';

const BATCH = 1000;

/** Reading the log: lists, one event, batched chain-order scans (export, verify). Always one company's. */
@Injectable()
export class AuditLogService {
  constructor(private readonly uow: UnitOfWork) {}

  /** Newest first, keyset on the company's seq: each page is one index range scan however deep. */
  async list(principal: Principal, query: AuditLogQuery): Promise<Page<AuditEventResponse>> {
    const builder = this.uow.repository(AuditEvent).createQueryBuilder('event')
      .where('event.companyId = :companyId', { companyId: principal.companyId });
    if (query.actorId) builder.andWhere('event.actorId = :actorId', { actorId: query.actorId });
    if (query.action) builder.andWhere('event.action = :action', { action: query.action });
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
   * Oldest first, in batches of 1000 read by keyset on seq: memory stays constant however long the
   * log, and the next batch is read only when the consumer asks for it (back-pressure).
   */
  async *inChainOrder(companyId: string, range: AuditRangeQuery): AsyncGenerator<AuditEvent[]> {
    const [{ last }] = await this.uow.manager.query<Array<{ last: string | null }>>(
      `SELECT max(seq) AS last FROM audit_events WHERE company_id = $1`,
      [companyId],
    );
    // seq is gap-free, so each window of BATCH seqs is at most BATCH rows whatever the planner's statistics
    for (let low = 0; low < Number(last ?? 0); low += BATCH) {
      const builder = this.uow.repository(AuditEvent).createQueryBuilder('event')
        .where('event.companyId = :companyId', { companyId })
        .andWhere('event.seq > :low AND event.seq <= :high', { low, high: low + BATCH });
      if (range.from) builder.andWhere('event.occurredAt >= :from', { from: new Date(range.from) });
      if (range.to) builder.andWhere('event.occurredAt < :to', { to: new Date(range.to) });
      const rows = await builder.orderBy('event.seq', 'ASC').getMany();
      if (rows.length > 0) yield rows;
    }
  }

  /**
   * Re-computes the chain over the range: each event's hash from its own fields and prevHash, each
   * prevHash against the event before it, and seq without gaps. The first event of a range that does
   * not start at seq 1 is trusted for its prevHash only.
   */
  async verify(principal: Principal, range: AuditRangeQuery): Promise<AuditVerifyResponse> {
    let checked = 0;
    let previous: { seq: number; hash: string } | undefined;
    for await (const batch of this.inChainOrder(principal.companyId, range)) {
      for (const row of batch) {
        const event = toChained(row);
        checked += 1;
        const expectedPrev = previous?.hash ?? (event.seq === 1 ? GENESIS_HASH : row.prevHash);
        const followsOn = previous === undefined || event.seq === previous.seq + 1;
        if (!followsOn || row.prevHash !== expectedPrev || chainHash(event, row.prevHash) !== row.hash) {
          return { valid: false, checked, firstBrokenId: row.id };
        }
        previous = { seq: event.seq, hash: row.hash };
      }
    }
    // a range that ends now must end at the chain head (an empty range from a later instant proves nothing)
    if (range.to === undefined && (previous !== undefined || range.from === undefined)) {
      const missingFromSeq = await this.missingTail(principal.companyId, previous);
      if (missingFromSeq !== undefined) return { valid: false, checked, missingFromSeq };
    }
    return { valid: true, checked };
  }

  /**
   * Events deleted from the end leave an intact-looking chain; the company's chain head (moved by
   * every append) still names the last seq and hash, so a shorter chain shows. Returns the first
   * missing seq.
   */
  private async missingTail(companyId: string, last: { seq: number; hash: string } | undefined): Promise<number | undefined> {
    const [head] = await this.uow.manager.query<Array<{ seq: string; hash: string }>>(
      `SELECT seq, hash FROM audit_chain_heads WHERE company_id = $1`,
      [companyId],
    );
    if (!head || (last && Number(head.seq) === last.seq && head.hash === last.hash)) return undefined;
    return (last?.seq ?? 0) + 1;
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
