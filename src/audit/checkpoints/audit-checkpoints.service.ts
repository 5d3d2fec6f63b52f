import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { AppConfig, requireSetting } from '../../platform/config/app-config.js';
import { newId } from '../../platform/database/uuid-entity.js';
import { UnitOfWork } from '../../platform/database/unit-of-work.js';
import { DomainError } from '../../platform/http/domain-error.js';
import { invalid } from '../../platform/http/validation.pipe.js';
import { Page } from '../../platform/http/pagination/page-query.dto.js';
import { JobQueue } from '../../platform/jobs/job-queue.js';
import { LOGGER, type AppLogger } from '../../platform/logging/logger.js';
import { Outbox } from '../../platform/operations/ports.js';
import { type Checkpoint, kidOf, loadSigningKey, makeCheckpoint, type PublishedAuditKey, rawPublicKey } from './checkpoint-signature.js';

interface CheckpointRow {
  id: string;
  company_id: string;
  seq: string;
  hash: string;
  signed_at: string;
  kid: string;
  signature: string;
}

interface KeyRow {
  kid: string;
  public_key: string;
  valid_from: Date;
  valid_to: Date | null;
}

/** The periodic scan's durable job (JobQueue.every). */
export const CHECKPOINT_SCAN_QUEUE = 'audit-checkpoint-scan';

/** Companies signed per scan transaction batch. */
const SCAN_BATCH = 100;

/**
 * Signed checkpoints of companies' audit chains. Creating one is O(1): it signs the company's chain
 * head (`audit_chain_heads` seq/hash, a committed state of the chain) and never rereads the chain.
 * A checkpoint is stored once per (company, seq, key): two requests signing the same head store one
 * row, and only the one that stored it fires the `audit.checkpoint` webhook, through the Outbox in the
 * same transaction. The periodic scan is a durable job that runs on one instance per interval.
 */
@Injectable()
export class AuditCheckpoints implements OnModuleInit, OnApplicationBootstrap {
  private readonly key: KeyObject;
  readonly kid: string;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly jobs: JobQueue,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {
    this.key = loadSigningKey(requireSetting(config.AUDIT_SIGNING_KEY, 'AUDIT_SIGNING_KEY'));
    this.kid = kidOf(this.key);
  }

  onModuleInit(): void {
    this.jobs.every(CHECKPOINT_SCAN_QUEUE, this.config.AUDIT_CHECKPOINT_INTERVAL_SECONDS, async () => {
      await this.checkpointDueCompanies().catch((error: unknown) => this.logger.warn({ err: error }, 'audit checkpoint scan failed'));
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.publishSigningKey();
  }

  /**
   * Makes the configured key the current one: a new key is published from now, a previously current
   * key gets `valid_to = now` and stays published. Re-configuring a retired key makes it current again.
   */
  async publishSigningKey(): Promise<void> {
    await this.uow.run(async (manager) => {
      await manager.query(`LOCK TABLE audit_signing_keys IN SHARE ROW EXCLUSIVE MODE`);
      const [current] = await manager.query<KeyRow[]>(`SELECT kid, public_key, valid_from, valid_to FROM audit_signing_keys WHERE kid = $1`, [this.kid]);
      if (current && current.valid_to === null) return;
      const now = new Date();
      await manager.query(`UPDATE audit_signing_keys SET valid_to = $2 WHERE valid_to IS NULL AND kid <> $1`, [this.kid, now]);
      if (current) {
        await manager.query(`UPDATE audit_signing_keys SET valid_to = NULL WHERE kid = $1`, [this.kid]);
      } else {
        await manager.query(`INSERT INTO audit_signing_keys (kid, public_key, valid_from) VALUES ($1, $2, $3)`, [this.kid, rawPublicKey(this.key), now]);
      }
    });
  }

  /** GET /.well-known/fleetgate/audit-keys: every key ever used, oldest first. */
  async publishedKeys(): Promise<{ keys: PublishedAuditKey[] }> {
    const rows = await this.uow.manager.query<KeyRow[]>(`SELECT kid, public_key, valid_from, valid_to FROM audit_signing_keys ORDER BY valid_from, kid`);
    return {
      keys: rows.map((row) => ({
        kid: row.kid,
        alg: 'Ed25519' as const,
        publicKey: row.public_key,
        validFrom: row.valid_from.toISOString(),
        ...(row.valid_to ? { validTo: row.valid_to.toISOString() } : {}),
      })),
    };
  }

  /**
   * Signs the company's chain head now, in the open transaction (or a new one). When this key already
   * signed that seq (the head has not moved since), the stored checkpoint is returned and no webhook fires.
   */
  async create(companyId: string): Promise<Checkpoint> {
    const made = await this.sign(companyId);
    if (!made) throw new DomainError('conflict', 'The audit log has no events yet: there is nothing to sign.');
    return made.checkpoint;
  }

  /** Newest first; keyset on (created_at, id). */
  async list(companyId: string, limit: number, cursor?: string): Promise<Page<Checkpoint>> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const rows = await this.uow.manager.query<Array<CheckpointRow & { created_at: Date }>>(
      `SELECT id, company_id, seq, hash, signed_at, kid, signature, created_at FROM audit_checkpoints
        WHERE company_id = $1 ${after ? 'AND (created_at, id) < ($3, $4)' : ''}
        ORDER BY created_at DESC, id DESC LIMIT $2`,
      after ? [companyId, limit + 1, after.createdAt, after.id] : [companyId, limit + 1],
    );
    const hasMore = rows.length > limit;
    const data = hasMore ? rows.slice(0, limit) : rows;
    const last = data.at(-1);
    return new Page(data.map(checkpointOf), hasMore && last ? encodeCursor(last.created_at, last.id) : null);
  }

  /** The company's checkpoints with seq in [from, to], by seq: what the NDJSON export interleaves. */
  async inSeqRange(companyId: string, from: number, to: number): Promise<Checkpoint[]> {
    const rows = await this.uow.manager.query<CheckpointRow[]>(
      `SELECT id, company_id, seq, hash, signed_at, kid, signature FROM audit_checkpoints
        WHERE company_id = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq, created_at, id`,
      [companyId, from, to],
    );
    return rows.map(checkpointOf);
  }

  /**
   * The periodic checkpoints: every company whose chain moved past its last checkpoint, and whose last
   * checkpoint is at least AUDIT_CHECKPOINT_INTERVAL_SECONDS old (or that has none). Returns how many were made.
   */
  async checkpointDueCompanies(): Promise<number> {
    let made = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const due = await this.uow.manager.query<Array<{ company_id: string }>>(
        `SELECT h.company_id FROM audit_chain_heads h
          WHERE h.company_id > $1 AND h.seq >= 1
            AND NOT EXISTS (SELECT 1 FROM audit_checkpoints c WHERE c.company_id = h.company_id
                              AND (c.seq >= h.seq OR c.created_at > now() - make_interval(secs => $2::double precision)))
          ORDER BY h.company_id LIMIT $3`,
        [after, this.config.AUDIT_CHECKPOINT_INTERVAL_SECONDS, SCAN_BATCH],
      );
      for (const { company_id: companyId } of due) {
        if ((await this.sign(companyId))?.stored) made += 1;
      }
      if (due.length < SCAN_BATCH) return made;
      after = due[due.length - 1].company_id;
    }
  }

  private sign(companyId: string): Promise<{ checkpoint: Checkpoint; stored: boolean } | undefined> {
    return this.uow.run(async (manager) => {
      const [head] = await manager.query<Array<{ seq: string; hash: string }>>(
        `SELECT seq, hash FROM audit_chain_heads WHERE company_id = $1`,
        [companyId],
      );
      if (!head || Number(head.seq) < 1) return undefined;
      const checkpoint = makeCheckpoint({ companyId, seq: Number(head.seq), hash: head.hash }, this.key, new Date());
      const [inserted] = await manager.query<Array<{ id: string }>>(
        `INSERT INTO audit_checkpoints (id, company_id, seq, hash, signed_at, kid, signature, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (company_id, seq, kid) DO NOTHING RETURNING id`,
        [newId(), companyId, checkpoint.seq, checkpoint.hash, checkpoint.signedAt, checkpoint.kid, checkpoint.signature, new Date(checkpoint.signedAt)],
      );
      if (!inserted) {
        const [existing] = await manager.query<CheckpointRow[]>(
          `SELECT id, company_id, seq, hash, signed_at, kid, signature FROM audit_checkpoints WHERE company_id = $1 AND seq = $2 AND kid = $3`,
          [companyId, checkpoint.seq, checkpoint.kid],
        );
        return { checkpoint: checkpointOf(existing), stored: false };
      }
      await this.outbox.record(companyId, 'audit.checkpoint', { ...checkpoint });
      return { checkpoint, stored: true };
    });
  }
}

function checkpointOf(row: CheckpointRow): Checkpoint {
  return { companyId: row.company_id, seq: Number(row.seq), hash: row.hash, signedAt: row.signed_at, kid: row.kid, signature: row.signature };
}

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`c1:${createdAt.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const match = /^c1:(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\|([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString());
  const createdAt = match ? new Date(match[1]) : undefined;
  if (!match || !createdAt || Number.isNaN(createdAt.getTime())) throw invalid([{ field: 'cursor', message: 'is not a valid cursor' }]);
  return { createdAt, id: match[2] };
}
