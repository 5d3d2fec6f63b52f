import type { DataSource } from 'typeorm';
import { poolOf } from '../../src/platform/database/pool.js';
import type { SignedUp } from './factories.js';
import type { TestApp } from './test-app.js';

/** The advisory lock `withExpiryClaims` takes: any number no other test locks. */
const EXPIRY_CLAIMS_LOCK = 15_001;

/**
 * Runs `work` while no other test file claims expiry warnings: a claim takes every company's due keys, so
 * two files claiming at once on one PostgreSQL database would take each other's (a session-level
 * advisory lock, held on one of the app's connections).
 */
export async function withExpiryClaims<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const client = await poolOf(dataSource).connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [EXPIRY_CLAIMS_LOCK]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [EXPIRY_CLAIMS_LOCK]);
    }
  } finally {
    client.release();
  }
}

export interface CreatedKey {
  publicId: string;
  fullApiKey: string;
  body: Record<string, unknown>;
  /** `Authorization: Bearer vk_…` */
  auth: { Authorization: string };
}

export interface KeyTokens {
  accessToken: string;
  refreshToken: string;
  auth: { Authorization: string };
}

/** Turns the company's API access on (owner only). */
export async function enableApi(app: TestApp, owner: SignedUp, enabled = true): Promise<void> {
  await app.http().put('/v1/account/api-access').set(owner.auth).send({ enabled }).expect(200);
}

/** Sets the company's IP allowlist (owner only). */
export async function setCompanyAllowlist(app: TestApp, owner: SignedUp, cidrs: string[]): Promise<void> {
  await app.http().put('/v1/account/ip-allowlist').set(owner.auth).send({ cidrs }).expect(200);
}

/** A new key created by `creator` (default: read-only preset). */
export async function newKey(app: TestApp, creator: SignedUp, body: Record<string, unknown> = {}): Promise<CreatedKey> {
  const response = await app
    .http()
    .post('/v1/api-keys')
    .set(creator.auth)
    .send({ name: 'Test key', ...(body.scopes || body.preset ? {} : { preset: 'read-only' }), ...body });
  if (response.status !== 201) throw new Error(`key creation failed: ${response.status} ${JSON.stringify(response.body)}`);
  const created = response.body as { publicId: string; fullApiKey: string };
  return { publicId: created.publicId, fullApiKey: created.fullApiKey, body: response.body, auth: keyAuth(created.fullApiKey) };
}

export const keyAuth = (key: string) => ({ Authorization: `Bearer ${key}` });

/** Exchanges a key for a key token pair (header form). */
export async function exchangeKey(app: TestApp, fullApiKey: string, ip?: string): Promise<KeyTokens> {
  const request = app.http().post('/v1/auth/api-key/token').set('Authorization', `ApiKey ${fullApiKey}`);
  if (ip) void request.set('X-Forwarded-For', ip);
  const response = await request;
  if (response.status !== 200) throw new Error(`token exchange failed: ${response.status} ${JSON.stringify(response.body)}`);
  const tokens = response.body as { accessToken: string; refreshToken: string };
  return { ...tokens, auth: { Authorization: `Bearer ${tokens.accessToken}` } };
}

/** A company with API access on and its owner, ready to issue keys. */
export async function apiEnabledCompany(app: TestApp, newCompany: (app: TestApp) => Promise<SignedUp>): Promise<SignedUp> {
  const owner = await newCompany(app);
  await enableApi(app, owner);
  return owner;
}
