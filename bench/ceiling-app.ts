/**
 * The ceilings of `bench/perf-bench.ts`: a minimal Nest-on-Fastify app doing only the unavoidable work of
 * each figure, run as its own process. Nothing here comes from src/ (the service is measured only
 * through its built server and HTTP).
 *
 * - `GET /ping` → `{status:"ok"}`: the framework alone.
 * - `GET /rows/:id`: one `SELECT … WHERE id = $1` by primary key on a vehicles-shaped table, row as JSON.
 * - `POST /rows` `{registration}`: BEGIN, INSERT one vehicle-sized row (the template's DVLA/MOT data),
 *   COMMIT → 201 with the row. The table has the service's vehicle indexes (unique active registration).
 * - `POST /audited-rows` `{registration}`: the same with its audit event: BEGIN, INSERT, the service's own
 *   `audit_append` (its chained SHA-256 on `audit_events` and its indexes, the company's chain head locked
 *   to COMMIT), COMMIT. Informational: what auditing a write costs the database, without the service.
 * - `POST /debited-rows` `{registration}`: the same with a credit debit instead: BEGIN, INSERT, then the
 *   service's own `credit_debit` (the company row's conditional UPDATE, locked to COMMIT, and a ledger row with
 *   its indexes) and the COMMIT in one round trip, as the service sends them. Informational: what a paid
 *   write's debit costs the database, without the service; one company's debits queue on its row here too.
 * - `GET /audit-export/:companyId` (export ceiling): one `COPY (SELECT * FROM audit_events WHERE company_id = …
 *   ORDER BY seq) TO STDOUT (FORMAT csv)` streamed to the response as the database writes it (pg-copy-streams,
 *   with back-pressure): the company's log, every column, formatted by the database, in chain order by the
 *   service's unique (company_id, seq) index, on one connection, with nothing done per row in Node.
 * - `POST /template`: set-up only; the DVLA/MOT payload of a real vehicle, so rows are the service's size,
 *   and the company whose audit chain the audited rows join and whose credits the debited rows spend (its
 *   own, not the measured company's).
 *
 * Env: PORT, DB_POOL_SIZE (default 10, the service's default), and DATABASE_URL; without it, an embedded
 * PGlite in DATA_DIR served over pglite-socket (with the same protocol-sequence patch the service uses)
 * to the same pg Pool, as the service does on the embedded database.
 */
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Module, NotFoundException, Param, Post, StreamableFile } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { keepProtocolSequencesTogether } from '../src/platform/database/pglite-queue-affinity.js';

const POOL = Symbol('pg pool');
const COMPANY_ID = '00000000-0000-4000-8000-000000000001';
const COLUMNS = `id, company_id AS "companyId", registration, vin, nickname, mileage, lookup_status AS "lookupStatus", dvla,
  mot_tests AS "motTests", looked_up_at AS "lookedUpAt", archived_at AS "archivedAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

const SCHEMA = [
  'CREATE SCHEMA IF NOT EXISTS bench_ceiling',
  `CREATE TABLE IF NOT EXISTS bench_ceiling.vehicles (
    id uuid PRIMARY KEY,
    company_id uuid NOT NULL,
    registration varchar(8) NOT NULL,
    vin varchar(17),
    nickname varchar(100),
    mileage integer CHECK (mileage >= 0),
    lookup_status varchar(16) NOT NULL,
    dvla jsonb,
    mot_tests jsonb NOT NULL DEFAULT '[]',
    looked_up_at timestamptz,
    archived_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now())`,
  'CREATE UNIQUE INDEX IF NOT EXISTS ceiling_vehicles_registration_active ON bench_ceiling.vehicles (company_id, registration) WHERE archived_at IS NULL',
  'CREATE INDEX IF NOT EXISTS ceiling_vehicles_company ON bench_ceiling.vehicles (company_id, id)',
  'CREATE INDEX IF NOT EXISTS ceiling_vehicles_company_registration ON bench_ceiling.vehicles (company_id, registration, id)',
  // a run's registrations are those of the run before on a reused database (BENCH_DATABASE_URL): start empty
  'TRUNCATE bench_ceiling.vehicles',
];

interface Template {
  dvla: unknown;
  motTests: unknown;
  auditCompanyId?: string;
  genesisHash?: string;
}

/** How a write adds to the bare INSERT before its COMMIT. */
type WriteExtra = 'none' | 'audit' | 'debit';

/** `audit_append` as the service's migrations define it: the event's fields, each as the service passes them. */
const AUDIT_APPEND = `SELECT audit_append($1, $2, $3, 'api_key', $4, 'ceiling key', 'fg_ceiling', '127.0.0.1', 'autocannon',
  $5, 'vehicle.create', 'POST', '/audited-rows', 'vehicle', $6, 201, 'success', 0, NULL, NULL)`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * `credit_debit` as the service stages it (refusing, not skipping, a short balance) and the COMMIT, sent in
 * one round trip as the service sends them, so the company row is locked for those two statements only. One
 * simple query carries both, so its two ids are written in (each checked to be a UUID).
 */
function debitAndCommit(companyId: string, resourceId: string): string {
  if (!UUID.test(companyId) || !UUID.test(resourceId)) throw new Error('credit_debit takes UUIDs');
  return `SELECT credit_debit('${companyId}', 1, 'inspection', '${resourceId}', '{"type":"api_key","id":null,"name":"ceiling key","publicId":"fg_ceiling"}', NULL, true); COMMIT`;
}

@Controller()
class CeilingController {
  private template: Template = { dvla: null, motTests: [] };

  constructor(@Inject(POOL) private readonly pool: pg.Pool) {}

  @Get('ping')
  ping(): { status: string } {
    return { status: 'ok' };
  }

  @Get('rows/:id')
  async row(@Param('id') id: string): Promise<unknown> {
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM bench_ceiling.vehicles WHERE id = $1`, [id]);
    if (rows.length === 0) throw new NotFoundException();
    return rows[0];
  }

  @Post('rows')
  @HttpCode(201)
  create(@Body() body: { registration: string }): Promise<unknown> {
    return this.insert(body.registration, 'none');
  }

  @Post('audited-rows')
  @HttpCode(201)
  createAudited(@Body() body: { registration: string }): Promise<unknown> {
    return this.insert(body.registration, 'audit');
  }

  @Post('debited-rows')
  @HttpCode(201)
  createDebited(@Body() body: { registration: string }): Promise<unknown> {
    return this.insert(body.registration, 'debit');
  }

  private async insert(registration: string, extra: WriteExtra): Promise<unknown> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const id = randomUUID();
      const { rows } = await client.query(
        `INSERT INTO bench_ceiling.vehicles (id, company_id, registration, lookup_status, dvla, mot_tests, looked_up_at)
         VALUES ($1, $2, $3, 'complete', $4, $5, now()) RETURNING ${COLUMNS}`,
        [id, COMPANY_ID, registration, JSON.stringify(this.template.dvla), JSON.stringify(this.template.motTests)],
      );
      const { auditCompanyId, genesisHash } = this.template;
      if (extra === 'audit') await client.query(AUDIT_APPEND, [auditCompanyId, genesisHash, randomUUID(), randomUUID(), randomUUID(), id]);
      await client.query(extra === 'debit' ? debitAndCommit(auditCompanyId!, id) : 'COMMIT');
      return rows[0];
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  @Get('audit-export/:companyId')
  async auditExport(@Param('companyId') companyId: string): Promise<StreamableFile> {
    if (!UUID.test(companyId)) throw new NotFoundException(); // COPY takes no parameters: the id is written in
    const client = await this.pool.connect();
    const stream = client.query(copyTo(`COPY (SELECT * FROM audit_events WHERE company_id = '${companyId}' ORDER BY seq) TO STDOUT (FORMAT csv)`));
    let ended = false;
    stream.once('end', () => (ended = true));
    // a COPY cut short (the client went away, or it failed) leaves the connection mid-protocol: dropped, not reused
    stream.once('close', () => client.release(ended ? undefined : new Error('COPY did not finish')));
    return new StreamableFile(stream, { type: 'text/csv; charset=utf-8' });
  }

  @Post('template')
  @HttpCode(204)
  setTemplate(@Body() body: Template): void {
    this.template = { dvla: body.dvla ?? null, motTests: body.motTests ?? [], auditCompanyId: body.auditCompanyId, genesisHash: body.genesisHash };
  }
}

async function main(): Promise<void> {
  const poolSize = Number(process.env.DB_POOL_SIZE ?? 10);
  let url = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!url) {
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const dataDir = process.env.DATA_DIR ?? 'memory://';
    if (dataDir !== 'memory://') mkdirSync(dataDir, { recursive: true });
    const db = await PGlite.create(dataDir);
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: poolSize * 3 });
    keepProtocolSequencesTogether(server);
    await server.start();
    url = `postgres://postgres@${server.getServerConn()}/postgres`;
    stopEmbedded = async () => {
      await server.stop();
      await db.close();
    };
  }
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5_000 });
  for (const statement of SCHEMA) await pool.query(statement);

  @Module({ controllers: [CeilingController], providers: [{ provide: POOL, useValue: pool }] })
  class CeilingModule {}

  const app = await NestFactory.create<NestFastifyApplication>(CeilingModule, new FastifyAdapter(), { logger: false });
  await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  process.stdout.write(`ceiling listening on ${(await app.getUrl()).replace('[::1]', '127.0.0.1')}\n`);

  const stop = () => {
    void (async () => {
      await app.close();
      await pool.end();
      await stopEmbedded?.();
      process.exit(0);
    })();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`ceiling app failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
