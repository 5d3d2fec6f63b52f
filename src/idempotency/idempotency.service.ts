import { randomUUID } from 'node:crypto';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { invalid } from '../platform/http/validation.pipe.js';
import { DomainError } from '../platform/http/domain-error.js';
import { newId } from '../platform/database/uuid-entity.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { IdempotencyRecord } from './idempotency-record.entity.js';
import { type ClaimOutcome, type IdempotencyClaim, IdempotencyStore, type IdempotentRequest } from '../platform/operations/ports.js';
import { IDEMPOTENCY_KEY_PATTERN, requestFingerprint } from './request-fingerprint.js';

/** How long a key (and its stored response) is honoured. */
const RETENTION = `interval '24 hours'`;
/**
 * A claim is a lease: the request holding it renews it (`created_at = now()`) every LEASE_RENEW_MS
 * while it runs, so a claim not renewed for LEASE belongs to a request that died with its instance
 * and the next request with that key takes it over — within a minute of the crash (contract §5).
 */
const LEASE_SECONDS = 30;
const ABANDONED_CLAIM = `interval '${LEASE_SECONDS} seconds'`;
const LEASE_RENEW_MS = (LEASE_SECONDS * 1000) / 3;
/**
 * Secrets are shown exactly once: a stored response keeps everything but these (an API key's
 * `fullApiKey`, a webhook `secret`, tokens), so a replay never reveals them a second time.
 */
const SECRET_FIELDS = new Set(['fullApiKey', 'secret', 'accessToken', 'refreshToken', 'apiKey', 'password']);
/** One claim in this many also sweeps the company's expired keys. */
const SWEEP_EVERY = 50;

/**
 * `Idempotency-Key` handling with the database as the arbiter, so it holds across instances:
 * 1. `claim` inserts an in-progress row under UNIQUE (company_id, key) in its own short transaction;
 *    a concurrent or later request with the same key finds that row (409 while it runs, 422 for
 *    another request, a replay once it has succeeded).
 * 2. `complete` stores the response in the write's own transaction: a committed write always has
 *    its stored response, and a rolled-back one never does.
 * 3. `release` deletes the claim when the request failed: errors are not stored, so a client may
 *    retry with the same key after fixing the request (or topping up credits), as with Stripe's
 *    validation failures. Rows older than 24 h are ignored, reclaimed and swept lazily.
 */
@Injectable()
export class IdempotencyService extends IdempotencyStore implements OnApplicationShutdown {
  /** The lease renewals of this instance's running requests, by claim id. */
  private readonly leases = new Map<string, NodeJS.Timeout>();

  constructor(private readonly uow: UnitOfWork) {
    super();
  }

  onApplicationShutdown(): void {
    for (const timer of this.leases.values()) clearInterval(timer);
    this.leases.clear();
  }

  async claim(companyId: string, request: IdempotentRequest): Promise<ClaimOutcome | undefined> {
    const key = keyFrom(request.key);
    if (key === undefined) return undefined;
    const fingerprint = requestFingerprint(request.method, request.url, request.body);
    for (let attempt = 0; attempt < 3; attempt++) {
      const outcome = await this.uow.runDetached((manager) => this.tryClaim(manager.query.bind(manager), companyId, key, fingerprint));
      if (outcome?.kind === 'claimed') this.renewWhileRunning(outcome.claim);
      if (outcome) return outcome;
    }
    throw new DomainError('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed; retry shortly.');
  }

  /** Stores the successful response; call inside the write's transaction when there is one. */
  async complete(claim: IdempotencyClaim, status: number, body: unknown): Promise<void> {
    this.stopRenewing(claim);
    const result = await this.uow.manager
      .createQueryBuilder()
      .update(IdempotencyRecord)
      .set({ lockId: null, responseStatus: status, responseBody: storedBody(body) })
      .where('id = :id AND lock_id = :lockId', claim)
      .execute();
    if (result.affected === 0) {
      throw new DomainError('idempotency_in_progress', 'Another request has taken over this Idempotency-Key.');
    }
  }

  async release(claim: IdempotencyClaim): Promise<void> {
    this.stopRenewing(claim);
    await this.uow.runDetached((manager) =>
      manager.query('DELETE FROM idempotency_keys WHERE id = $1 AND lock_id = $2', [claim.id, claim.lockId]),
    );
  }

  /**
   * Renews the claim's lease while the request runs. Outside any transaction (its own statement): on
   * PostgreSQL it waits at most for the write that is completing the same row, then finds it done.
   */
  private renewWhileRunning(claim: IdempotencyClaim): void {
    const timer = setInterval(() => {
      this.uow
        .runDetached((manager) => manager.query(
          'UPDATE idempotency_keys SET created_at = now() WHERE id = $1 AND lock_id = $2', [claim.id, claim.lockId],
        ))
        .catch(() => undefined); // the next renewal tries again; a lost lease only means a later retry may take over
    }, LEASE_RENEW_MS);
    timer.unref();
    this.leases.set(claim.id, timer);
  }

  private stopRenewing(claim: IdempotencyClaim): void {
    clearInterval(this.leases.get(claim.id));
    this.leases.delete(claim.id);
  }

  private async tryClaim(
    query: (sql: string, parameters: unknown[]) => Promise<unknown>,
    companyId: string,
    key: string,
    fingerprint: string,
  ): Promise<ClaimOutcome | undefined> {
    if (Math.floor(Math.random() * SWEEP_EVERY) === 0) {
      await query(`DELETE FROM idempotency_keys WHERE company_id = $1 AND created_at < now() - ${RETENTION}`, [companyId]);
    }
    const lockId = randomUUID();
    const claimed = (await query(
      `INSERT INTO idempotency_keys (id, company_id, key, fingerprint, lock_id)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (company_id, key) DO UPDATE
         SET fingerprint = EXCLUDED.fingerprint, lock_id = EXCLUDED.lock_id,
             response_status = NULL, response_body = NULL, created_at = now()
         WHERE idempotency_keys.created_at < now() - ${RETENTION}
            OR (idempotency_keys.lock_id IS NOT NULL AND idempotency_keys.created_at < now() - ${ABANDONED_CLAIM})
       RETURNING id`,
      [newId(), companyId, key, fingerprint, lockId],
    )) as Array<{ id: string }>;
    if (claimed.length > 0) return { kind: 'claimed', claim: { id: claimed[0].id, lockId } };

    const [existing] = (await query(
      'SELECT fingerprint, lock_id, response_status, response_body FROM idempotency_keys WHERE company_id = $1 AND key = $2',
      [companyId, key],
    )) as Array<{ fingerprint: string; lock_id: string | null; response_status: number | null; response_body: string | null }>;
    if (!existing) return undefined; // released meanwhile: try again
    if (existing.fingerprint !== fingerprint) {
      throw new DomainError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request.');
    }
    if (existing.response_status === null) {
      throw new DomainError('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed; retry shortly.');
    }
    return {
      kind: 'replay',
      status: existing.response_status,
      body: existing.response_body === null ? undefined : (JSON.parse(existing.response_body) as unknown),
    };
  }
}

/** The header's value, validated; undefined when absent. */
function keyFrom(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(header)) {
    throw invalid([{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }]);
  }
  return header;
}

function storedBody(body: unknown): string | null {
  if (body === undefined) return null;
  return JSON.stringify(body, (key, value: unknown) => (SECRET_FIELDS.has(key) ? undefined : value));
}
