import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type RunningApp } from '../src/app.factory.js';
import { loadConfig } from '../src/platform/config/app-config.js';

export const BENCH_PASSWORD = 'correct horse battery staple';

/**
 * The app as production runs it, listening on a loopback port: on PostgreSQL when DATABASE_URL is
 * given, else on a fresh embedded database. Background jobs are off, so a bench never claims another
 * app's jobs on a shared database, and the rate limit is out of the way.
 */
export async function startBenchApp(databaseUrl: string | undefined): Promise<{ running: RunningApp; base: string }> {
  const config = loadConfig({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'fleetgate-bench-')),
    LOG_LEVEL: 'warn',
    JOBS_ENABLED: 'false',
    RATE_LIMIT_PER_MINUTE: '1000000000',
    JWT_SECRET: 'bench-jwt-secret-0123456789-abcdefghijklmnop',
    API_KEY_PEPPER: 'bench-api-key-pepper-0123456789-abcdefghijk',
    AUDIT_SIGNING_KEY: '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIPu9Nkqjr/gZtlp0bYLootFaRk4bP1X78T14bJPWJUpE\n-----END PRIVATE KEY-----\n',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const running = await createApp({ config });
  await running.app.listen({ port: 0, host: '127.0.0.1' });
  const base = (await running.app.getUrl()).replace('[::1]', '127.0.0.1');
  return { running, base };
}

/** One JSON call; anything but 2xx ends the bench with the response in the message. */
export async function request<T>(base: string, method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export const benchEmail = (label: string) => `${label}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.co.uk`;
