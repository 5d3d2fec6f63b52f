import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHash, GENESIS_HASH } from '../../src/audit/audit-chain.js';
import { AuditCheckpoints } from '../../src/audit/checkpoints/audit-checkpoints.service.js';
import { verifyCheckpoint } from '../../src/audit/checkpoints/checkpoint-signature.js';
import { AUDIT_ROW_COLUMNS, type AuditRow, chainedOfRow } from '../../src/audit/audit-rows.js';
import { AppConfig } from '../../src/platform/config/app-config.js';
import { UnitOfWork } from '../../src/platform/database/unit-of-work.js';
import { JobQueue } from '../../src/platform/jobs/job-queue.js';
import { LOGGER } from '../../src/platform/logging/logger.js';
import { Outbox } from '../../src/platform/operations/ports.js';
import { expectProblem, newCompany, newTeamMember, type SignedUp } from '../support/factories.js';
import { enableApi, newKey } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { eventually, newWebhook, verifyDelivery, WebhookReceiver } from '../support/webhooks.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'tools/audit-verify/bin/fleetgate-audit-verify.js');

interface Checkpoint { companyId: string; seq: number; hash: string; signedAt: string; kid: string; signature: string }
interface Keys { keys: Array<{ kid: string; alg: string; publicKey: string; validFrom: string; validTo?: string }> }
interface Failure { code: string; companyId?: string; seq?: number; checkpointSeq?: number; message: string }
interface Report { valid: boolean; failures: Failure[]; checkpoints: Array<{ seq: number; status: string }> }

describe('audit checkpoints', () => {
  let app: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'fleetgate-checkpoints-'));
  let fileCount = 0;
  const file = (content: string): string => {
    const path = join(dir, `f${(fileCount += 1)}`);
    writeFileSync(path, content);
    return path;
  };

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const someEvents = async (company: SignedUp, count: number): Promise<void> => {
    for (let i = 0; i < count; i += 1) {
      await app.http().put('/v1/account/ip-allowlist').set(company.auth).send({ cidrs: i % 2 === 0 ? ['10.0.0.0/8'] : [] }).expect(200);
    }
  };
  const checkpointNow = async (company: SignedUp): Promise<Checkpoint> =>
    (await app.http().post('/v1/audit-logs/checkpoints').set(company.auth).expect(201)).body as Checkpoint;
  const exportOf = async (company: SignedUp, checkpoints = false): Promise<string> =>
    (await app.http().get('/v1/audit-logs/export').query({ format: 'ndjson', ...(checkpoints ? { checkpoints: 'true' } : {}) }).set(company.auth).buffer(true)
      .parse((response, done) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => done(null, text));
      }).expect(200)).body as string;
  const publishedKeys = async (): Promise<Keys> => (await app.http().get('/.well-known/fleetgate/audit-keys').expect(200)).body as Keys;
  const inServiceVerify = async (company: SignedUp): Promise<{ valid: boolean }> =>
    (await app.http().get('/v1/audit-logs/verify').set(company.auth).expect(200)).body as { valid: boolean };

  /** The shipped offline verifier, as a customer runs it: a child process with no access to the service. */
  const offlineVerify = (exportText: string, keys: Keys, saved: Checkpoint[]): Promise<Report & { code: number | null }> =>
    new Promise((done, fail) => {
      const args = ['verify', file(exportText), '--keys', file(JSON.stringify(keys)), ...saved.flatMap((checkpoint) => ['--checkpoint', file(JSON.stringify(checkpoint))]), '--json'];
      const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.on('error', fail);
      child.on('close', (code) => done({ code, ...(JSON.parse(stdout) as Report) }));
    });

  /** A stored row read by column name; its values, in AUDIT_ROW_COLUMNS order, are what the chain hashes. */
  type StoredRow = { id: string; seq: string; action: string; path: string };
  /**
   * The strongest attack: a database superuser with the triggers bypassed (session_replication_role =
   * replica) changes the company's stored rows, recomputes every hash from the first changed seq and
   * moves the chain head to match, and deletes the stored checkpoints too.
   */
  const tamper = (companyId: string, change: (rows: StoredRow[]) => StoredRow[]): Promise<void> =>
    app.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL session_replication_role = replica`);
      const before = await manager.query<StoredRow[]>(`SELECT ${AUDIT_ROW_COLUMNS} FROM audit_events WHERE company_id = $1 ORDER BY seq`, [companyId]);
      const after = change(before.map((row) => ({ ...row })));
      const kept = new Set(after.map((row) => row.id));
      for (const row of before) if (!kept.has(row.id)) await manager.query(`DELETE FROM audit_events WHERE id = $1`, [row.id]);
      let prev = GENESIS_HASH;
      for (const row of after) {
        const hash = chainHash(chainedOfRow(Object.values(row) as AuditRow), prev);
        await manager.query(`UPDATE audit_events SET seq = $2, action = $3, path = $4, prev_hash = $5, hash = $6 WHERE id = $1`, [row.id, row.seq, row.action, row.path, prev, hash]);
        prev = hash;
      }
      await manager.query(`UPDATE audit_chain_heads SET seq = $2, hash = $3 WHERE company_id = $1`, [companyId, after.length, prev]);
      await manager.query(`DELETE FROM audit_checkpoints WHERE company_id = $1`, [companyId]);
    });

  describe('proof: history rewritten by a database superuser', () => {
    let keys: Keys;
    beforeAll(async () => {
      keys = await publishedKeys();
    });

    /** A company with 8+ events, a checkpoint saved by the customer, then more events. */
    const companyWithSavedCheckpoint = async (): Promise<{ company: SignedUp; saved: Checkpoint }> => {
      const company = await newCompany(app);
      await someEvents(company, 6);
      const saved = await checkpointNow(company);
      await someEvents(company, 3);
      const before = await offlineVerify(await exportOf(company, true), keys, [saved]);
      expect(before).toMatchObject({ code: 0, valid: true, failures: [] });
      return { company, saved };
    };

    it('a rewritten old event with every later hash recomputed passes in-service verify, but not the offline verifier with a saved checkpoint', async () => {
      const { company, saved } = await companyWithSavedCheckpoint();
      await tamper(company.companyId, (rows) => rows.map((row) => (Number(row.seq) === 3 ? { ...row, path: '/v1/nothing-to-see-here' } : row)));

      expect(await inServiceVerify(company)).toMatchObject({ valid: true });
      const exported = await exportOf(company, true);
      expect(exported).toContain('/v1/nothing-to-see-here');
      expect(await offlineVerify(exported, keys, [])).toMatchObject({ code: 0, valid: true });

      const report = await offlineVerify(exported, keys, [saved]);
      expect(report.code).toBe(1);
      expect(report.valid).toBe(false);
      expect(report.failures[0]).toMatchObject({ code: 'checkpoint_not_on_chain', companyId: company.companyId, checkpointSeq: saved.seq });
    });

    it('a deleted tail with the chain head rewound passes in-service verify, but not the offline verifier with a saved checkpoint', async () => {
      const { company, saved } = await companyWithSavedCheckpoint();
      await tamper(company.companyId, (rows) => rows.filter((row) => Number(row.seq) < saved.seq - 1));

      expect(await inServiceVerify(company)).toMatchObject({ valid: true });
      const exported = await exportOf(company, true);
      expect(await offlineVerify(exported, keys, [])).toMatchObject({ code: 0, valid: true });

      const report = await offlineVerify(exported, keys, [saved]);
      expect(report.code).toBe(1);
      expect(report.failures[0]).toMatchObject({ code: 'checkpoint_beyond_end', companyId: company.companyId, seq: saved.seq - 1 });
    });

    it('a deleted head with the rest renumbered and rehashed passes in-service verify, but not the offline verifier with a saved checkpoint', async () => {
      const { company, saved } = await companyWithSavedCheckpoint();
      await tamper(company.companyId, (rows) => rows.slice(2).map((row, index) => ({ ...row, seq: String(index + 1) })));

      expect(await inServiceVerify(company)).toMatchObject({ valid: true });
      const exported = await exportOf(company, true);
      expect(await offlineVerify(exported, keys, [])).toMatchObject({ code: 0, valid: true });

      const report = await offlineVerify(exported, keys, [saved]);
      expect(report.code).toBe(1);
      expect(report.failures[0]).toMatchObject({ code: 'checkpoint_not_on_chain', companyId: company.companyId, checkpointSeq: saved.seq });
    });
  });

  describe('endpoints', () => {
    it('publishes the signing key at /.well-known/fleetgate/audit-keys without authentication', async () => {
      const { keys } = await publishedKeys();
      const current = keys.filter((key) => key.validTo === undefined);
      expect(current).toHaveLength(1);
      expect(current[0]).toMatchObject({ alg: 'Ed25519', kid: app.app.get(AuditCheckpoints).kid });
      expect(current[0].publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Number.isNaN(Date.parse(current[0].validFrom))).toBe(false);
    });

    it('signs the chain head on demand, and the signature verifies under the published key', async () => {
      const company = await newCompany(app);
      await someEvents(company, 2);
      const head = (await app.http().get('/v1/audit-logs').query({ limit: 1 }).set(company.auth).expect(200)).body as { data: Array<{ seq: number; hash: string }> };
      const checkpoint = await checkpointNow(company);
      expect(checkpoint).toMatchObject({ companyId: company.companyId, seq: head.data[0].seq, hash: head.data[0].hash });
      expect(checkpoint.signedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const { keys } = await publishedKeys();
      const key = keys.find((entry) => entry.kid === checkpoint.kid)!;
      expect(verifyCheckpoint(checkpoint, key.publicKey)).toBe(true);
      expect(verifyCheckpoint({ ...checkpoint, seq: checkpoint.seq + 1 }, key.publicKey)).toBe(false);
    });

    it('lists checkpoints newest first with a cursor, exactly as signed', async () => {
      const company = await newCompany(app);
      const made: Checkpoint[] = [];
      for (let i = 0; i < 3; i += 1) made.push(await checkpointNow(company));
      expect(new Set(made.map((checkpoint) => checkpoint.seq)).size).toBe(3);
      const first = (await app.http().get('/v1/audit-logs/checkpoints').query({ limit: 2 }).set(company.auth).expect(200)).body as { data: Checkpoint[]; nextCursor: string | null };
      expect(first.data).toEqual([made[2], made[1]]);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = (await app.http().get('/v1/audit-logs/checkpoints').query({ limit: 2, cursor: first.nextCursor }).set(company.auth).expect(200)).body as { data: Checkpoint[]; nextCursor: string | null };
      expect(second).toEqual({ data: [made[0]], nextCursor: null });
      expectProblem(await app.http().get('/v1/audit-logs/checkpoints').query({ cursor: 'bm9wZQ' }).set(company.auth), 400, 'validation_failed');
    });

    it('never lists another company\'s checkpoints', async () => {
      const one = await newCompany(app);
      const other = await newCompany(app);
      await checkpointNow(one);
      const listed = (await app.http().get('/v1/audit-logs/checkpoints').set(other.auth).expect(200)).body as { data: Checkpoint[] };
      expect(listed.data).toEqual([]);
      const theirs = await checkpointNow(other);
      const mine = (await app.http().get('/v1/audit-logs/checkpoints').set(one.auth).expect(200)).body as { data: Checkpoint[] };
      expect(mine.data.map((checkpoint) => checkpoint.companyId)).toEqual([one.companyId]);
      expect(mine.data).not.toContainEqual(theirs);
    });

    it('lets owners, admins and auditors make checkpoints, not members or API keys; keys with audit:read may list them', async () => {
      const owner = await newCompany(app);
      await checkpointNow(owner);
      await checkpointNow(await newTeamMember(app, owner, 'admin'));
      await checkpointNow(await newTeamMember(app, owner, 'auditor'));
      const member = await newTeamMember(app, owner, 'member');
      expectProblem(await app.http().post('/v1/audit-logs/checkpoints').set(member.auth), 403, 'role_forbidden');
      await enableApi(app, owner);
      const reader = await newKey(app, owner, { scopes: ['audit:read'] });
      expectProblem(await app.http().post('/v1/audit-logs/checkpoints').set(reader.auth), 403, 'user_token_required');
      const listed = (await app.http().get('/v1/audit-logs/checkpoints').set(reader.auth).expect(200)).body as { data: Checkpoint[] };
      expect(listed.data).toHaveLength(3);
      expectProblem(await app.http().get('/v1/audit-logs/checkpoints'), 401, 'unauthenticated');
    });

    it('interleaves each checkpoint right after the event it covers in the NDJSON export, and refuses checkpoints with CSV', async () => {
      const company = await newCompany(app);
      await someEvents(company, 2);
      const one = await checkpointNow(company);
      await someEvents(company, 2);
      const two = await checkpointNow(company);
      const lines = (await exportOf(company, true)).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      const checkpointLines = lines.filter((line) => line.type === 'checkpoint');
      // every checkpoint of the company, these two included (another instance's periodic scan on a shared database may have signed it too)
      const signed = ((await app.http().get('/v1/audit-logs/checkpoints').set(company.auth).expect(200)).body as { data: Checkpoint[] }).data;
      expect(checkpointLines).toHaveLength(signed.length);
      expect(checkpointLines).toEqual(expect.arrayContaining([{ type: 'checkpoint', ...one }, { type: 'checkpoint', ...two }]));
      for (const checkpoint of checkpointLines) {
        const at = lines.indexOf(checkpoint);
        expect(lines[at - 1]).toMatchObject({ seq: checkpoint.seq, hash: checkpoint.hash });
      }
      expect((await exportOf(company)).includes('"type":"checkpoint"')).toBe(false);
      expectProblem(await app.http().get('/v1/audit-logs/export').query({ format: 'csv', checkpoints: 'true' }).set(company.auth), 400, 'validation_failed');
      expectProblem(await app.http().get('/v1/audit-logs/export').query({ format: 'ndjson', checkpoints: 'yes' }).set(company.auth), 400, 'validation_failed');
    });
  });

  describe('periodic checkpoints', () => {
    it('signs each company with new events once, then not again until its chain moves and the interval passes', async () => {
      const service = app.app.get(AuditCheckpoints);
      const company = await newCompany(app);
      await someEvents(company, 2);
      await Promise.all([service.checkpointDueCompanies(), service.checkpointDueCompanies()]);
      const listed = (await app.http().get('/v1/audit-logs/checkpoints').set(company.auth).expect(200)).body as { data: Checkpoint[] };
      expect(listed.data).toHaveLength(1);
      await service.checkpointDueCompanies();
      const again = (await app.http().get('/v1/audit-logs/checkpoints').set(company.auth).expect(200)).body as { data: Checkpoint[] };
      expect(again.data).toEqual(listed.data);
    });
  });

  describe('key rotation', () => {
    it('publishes a newly configured key from now and keeps the previous one listed with its validTo; the old key comes back when configured again', async () => {
      const current = app.app.get(AuditCheckpoints);
      const newKeyPem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const rotated = new AuditCheckpoints(app.app.get(UnitOfWork), app.app.get(Outbox), app.app.get(JobQueue), Object.assign(new AppConfig(), app.config, { AUDIT_SIGNING_KEY: newKeyPem }), app.app.get(LOGGER));
      try {
        await rotated.publishSigningKey();
        const { keys } = await publishedKeys();
        const old = keys.find((key) => key.kid === current.kid)!;
        const fresh = keys.find((key) => key.kid === rotated.kid)!;
        expect(old.validTo).toEqual(expect.any(String));
        expect(fresh.validTo).toBeUndefined();
        expect(Date.parse(fresh.validFrom)).toBe(Date.parse(old.validTo!));
      } finally {
        await current.publishSigningKey();
      }
      const { keys } = await publishedKeys();
      expect(keys.find((key) => key.kid === current.kid)?.validTo).toBeUndefined();
      expect(keys.find((key) => key.kid === rotated.kid)?.validTo).toEqual(expect.any(String));
    });
  });

  describe('the audit.checkpoint webhook', () => {
    const receiver = new WebhookReceiver();
    beforeAll(() => receiver.start());
    afterAll(() => receiver.stop());

    it('delivers each checkpoint as the event data, signed like every webhook', async () => {
      const company = await newCompany(app);
      const route = receiver.route('checkpoint');
      const endpoint = await newWebhook(app, company, route.url, ['audit.checkpoint']);
      const checkpoint = await checkpointNow(company);
      const [request] = await eventually(() => (route.received().length > 0 ? route.received() : undefined), 30_000, 'the audit.checkpoint delivery');
      const body = verifyDelivery(endpoint.secret, request);
      expect(body.type).toBe('audit.checkpoint');
      expect(body.data).toEqual(checkpoint);
    });
  });
});
