import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/audit/audit-event.entity.js';
import { csvRow } from '../../src/audit/csv.js';
import { AuditExportService } from '../../src/audit/audit-export.service.js';
import { AuditEventResponse } from '../../src/audit/dto/audit-event.dto.js';
import { poolOf } from '../../src/platform/database/pool.js';
import type { Principal } from '../../src/identity/principal.js';
import { expectProblem, newCompany, type SignedUp } from '../support/factories.js';
import { auditRow, random } from '../support/audit-exports.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** More events than one read window of the export, so window boundaries are crossed. */
const SEEDED = 4_700;

const CSV_HEADER = 'id,seq,occurredAt,companyId,actorType,actorId,actorName,actorPublicId,ip,userAgent,requestId,action,method,path,' +
  'resourceType,resourceId,status,outcome,creditsSpent,idempotencyKey,prevHash,hash,changes\r\n';

/**
 * The export's bytes as they were before it streamed raw rows: the reference the fast path must match
 * exactly. An NDJSON line is the contract's event (GET /v1/audit-logs/{id}) in this key order; a CSV
 * record has the columns of CSV_HEADER.
 */
function referenceNdjsonLine(event: AuditEventResponse): string {
  const { actor } = event;
  return `${JSON.stringify({
    id: event.id, seq: event.seq, occurredAt: event.occurredAt, companyId: event.companyId,
    actor: actor.publicId === undefined ? { type: actor.type, id: actor.id, name: actor.name } : { type: actor.type, id: actor.id, name: actor.name, publicId: actor.publicId },
    ip: event.ip, userAgent: event.userAgent, requestId: event.requestId, action: event.action, method: event.method, path: event.path,
    resourceType: event.resourceType, resourceId: event.resourceId, status: event.status, outcome: event.outcome,
    creditsSpent: event.creditsSpent, idempotencyKey: event.idempotencyKey, changes: event.changes, prevHash: event.prevHash, hash: event.hash,
  })}\n`;
}

function referenceCsvRecord(event: AuditEventResponse): string {
  const { actor } = event;
  return csvRow([
    event.id, event.seq, event.occurredAt, event.companyId, actor.type, actor.id, actor.name, actor.publicId ?? null, event.ip,
    event.userAgent, event.requestId, event.action, event.method, event.path, event.resourceType, event.resourceId, event.status,
    event.outcome, event.creditsSpent, event.idempotencyKey, event.prevHash, event.hash,
    event.changes === null ? null : JSON.stringify(event.changes),
  ]);
}

/** Values a spreadsheet or a JSON writer could trip on, put into some of the seeded rows. */
const HOSTILE = ['=HYPERLINK("http://x")', '+1,2', '-x\r\ny', '@sum', '\tlead', '\rreturn', 'quote " inside', 'emoji 👩‍👩‍👧 e\u0301 \u2028', 'ctl \u0001\u001f\u007f'];

describe('audit export bytes', () => {
  let app: TestApp;
  let company: SignedUp;
  const events: AuditEventResponse[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    company = await newCompany(app);
    // a signed checkpoint of the chain head (seq 1), whose own audit event is seq 2; then the seeded rows
    await app.http().post('/v1/audit-logs/checkpoints').set(company.auth).expect(201);
    const stored = await app.http().get('/v1/audit-logs').query({ limit: 10 }).set(company.auth).expect(200);
    events.push(...(stored.body as { data: AuditEventResponse[] }).data.reverse());
    // seeded by the company, so ids never repeat across runs on a shared PostgreSQL database
    const next = random(Number.parseInt(company.companyId.slice(-8), 16));
    const rows: AuditEvent[] = [];
    for (let index = 0; index < SEEDED; index += 1) {
      const row = auditRow(company.companyId, events.length + 1 + index, next);
      if (index % 97 === 0) {
        const hostile = HOSTILE[(index / 97) % HOSTILE.length];
        Object.assign(row, { actorName: hostile, userAgent: hostile, path: `/v1/${hostile}`, resourceId: hostile,
          changes: JSON.stringify({ name: { from: hostile, to: null }, limit: { from: 1.5, to: -0 } }) });
      }
      row.prevHash = next().toString(16).slice(2).padEnd(64, '0').slice(0, 64);
      row.hash = next().toString(16).slice(2).padEnd(64, 'a').slice(0, 64);
      rows.push(row);
    }
    for (let start = 0; start < rows.length; start += 500) {
      const batch = rows.slice(start, start + 500);
      const columns = ['id', 'company_id', 'seq', 'occurred_at', 'actor_type', 'actor_id', 'actor_name', 'actor_public_id', 'ip', 'user_agent',
        'request_id', 'action', 'method', 'path', 'resource_type', 'resource_id', 'status', 'outcome', 'credits_spent', 'idempotency_key',
        'changes', 'prev_hash', 'hash'];
      const values = batch.flatMap((row) => [row.id, row.companyId, row.seq, row.occurredAt, row.actorType, row.actorId, row.actorName,
        row.actorPublicId, row.ip, row.userAgent, row.requestId, row.action, row.method, row.path, row.resourceType, row.resourceId, row.status,
        row.outcome, row.creditsSpent, row.idempotencyKey, row.changes, row.prevHash, row.hash]);
      const placeholders = batch.map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`).join(', ');
      await app.dataSource.query(`INSERT INTO audit_events (${columns.join(', ')}) VALUES ${placeholders}`, values);
    }
    events.push(...rows.map((row) => AuditEventResponse.of(row)));
  });
  afterAll(() => app.close());

  const exported = async (query: Record<string, string>): Promise<string> =>
    (await app.http().get('/v1/audit-logs/export').query(query).set(company.auth).buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
      }).expect(200)).body as string;

  it('writes NDJSON byte for byte as the event shape in its fixed key order', async () => {
    const body = await exported({ format: 'ndjson' });
    expect(body.split('\n')).toHaveLength(events.length + 1);
    expect(body).toBe(events.map(referenceNdjsonLine).join(''));
  });

  it('writes CSV byte for byte: header, RFC 4180 quoting, formula-safe fields', async () => {
    const body = await exported({ format: 'csv' });
    expect(body).toBe(CSV_HEADER + events.map(referenceCsvRecord).join(''));
  });

  it('interleaves the signed checkpoint right after the event it covers, byte for byte', async () => {
    const listed = await app.http().get('/v1/audit-logs/checkpoints').set(company.auth).expect(200);
    const [checkpoint] = (listed.body as { data: Array<Record<string, unknown>> }).data;
    expect(checkpoint.seq).toBe(1);
    const body = await exported({ format: 'ndjson', checkpoints: 'true' });
    const line = (value: Record<string, unknown>) =>
      `${JSON.stringify({ type: 'checkpoint', companyId: value.companyId, seq: value.seq, hash: value.hash, signedAt: value.signedAt, kid: value.kid, signature: value.signature })}\n`;
    const lines = events.map(referenceNdjsonLine);
    expect(body).toBe(lines[0] + line(checkpoint) + lines.slice(1).join(''));
  });

  it('lets a client go away mid-export: the scan stops, frees its slot and connection, and the next export is whole', async () => {
    const exporter = app.app.get(AuditExportService, { strict: false });
    const stream = (await exporter.export({ companyId: company.companyId } as Principal, { format: 'csv' })).getStream();
    const first = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
    expect(first.toString()).toBe(CSV_HEADER);
    stream.destroy();
    await new Promise((resolve) => stream.once('close', resolve));
    // every connection the scan held (two on PostgreSQL) goes back to the pool once its window in flight answers
    const pool = poolOf(app.dataSource);
    await expect.poll(() => pool.totalCount - pool.idleCount).toBe(0);
    await expect.poll(async () => (await app.http().get('/v1/audit-logs/verify').set(company.auth)).status).toBe(200);
    expect(await exported({ format: 'csv' })).toBe(CSV_HEADER + events.map(referenceCsvRecord).join(''));
  });

  it('exports a range with no event as the header alone (CSV) or nothing (NDJSON), and refuses a bound that is not an instant', async () => {
    const before = '2020-01-01T00:00:00.000Z';
    expect(await exported({ format: 'csv', to: before })).toBe(CSV_HEADER);
    expect(await exported({ format: 'ndjson', to: before })).toBe('');
    const hostile = await app.http().get('/v1/audit-logs/export').query({ format: 'csv', from: "2026-01-01T00:00:00Z' OR '1'='1" }).set(company.auth);
    expectProblem(hostile, 400, 'validation_failed');
  });

  it('frees the company\'s scan slot before a scan\'s response ends: back-to-back exports and verifications are all served', async () => {
    const leases = () => app.dataSource.query('SELECT holder FROM company_scan_leases WHERE company_id = $1', [company.companyId]);
    const exporter = app.app.get(AuditExportService, { strict: false });
    const stream = (await exporter.export({ companyId: company.companyId } as Principal, { format: 'ndjson' })).getStream();
    stream.resume();
    await new Promise((resolve) => stream.once('end', resolve));
    expect(await leases()).toEqual([]);
    for (let round = 0; round < 10; round += 1) {
      const csv = round % 2 === 0;
      expect(await exported({ format: csv ? 'csv' : 'ndjson', to: '2020-01-01T00:00:00.000Z' })).toBe(csv ? CSV_HEADER : '');
      await app.http().get('/v1/audit-logs/verify').set(company.auth).expect(200);
    }
    expect(await leases()).toEqual([]);
  });

  it('exports a time range byte for byte', async () => {
    const from = events[1000].occurredAt;
    const to = events[3000].occurredAt;
    const body = await exported({ format: 'ndjson', from, to });
    expect(body).toBe(events.slice(1000, 3000).map(referenceNdjsonLine).join(''));
  });
});
