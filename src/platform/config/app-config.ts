import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { plainToInstance, Transform } from 'class-transformer';
import {
  getMetadataStorage,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** Every setting the service reads, validated once at start. Names match the environment variables. */
export class AppConfig {
  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Transform(emptyToUndefined) @IsOptional() @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsString()
  DATA_DIR = './data';

  /** Pool size; on the embedded database also the socket server's connection limit. */
  @Transform(toInt) @IsInt() @Min(2) @Max(200)
  DB_POOL_SIZE = 10;

  @Transform(emptyToUndefined) @IsOptional() @IsString() @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  /** Server-side pepper for the keyed hash of API-key secrets. */
  @Transform(emptyToUndefined) @IsOptional() @IsString() @MinLength(32, { message: 'API_KEY_PEPPER must be at least 32 characters' })
  API_KEY_PEPPER?: string;

  /**
   * Ed25519 private key (PKCS#8 PEM, `openssl genpkey -algorithm ed25519`; literal `\n` accepted) that signs
   * audit checkpoints; the same on every instance. Generated into DATA_DIR on the embedded database.
   */
  @Transform(emptyToUndefined) @IsOptional() @IsString()
  AUDIT_SIGNING_KEY?: string;

  /** How often a company with new audit events gets a signed checkpoint. */
  @Transform(toInt) @IsInt() @Min(1) @Max(30 * 86_400)
  AUDIT_CHECKPOINT_INTERVAL_SECONDS = 3600;

  @Transform(toInt) @IsInt() @Min(60) @Max(86_400)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  @Transform(toInt) @IsInt() @Min(300) @Max(90 * 86_400)
  REFRESH_TOKEN_TTL_SECONDS = 30 * 86_400;

  /** Comma-separated proxy addresses/CIDRs whose X-Forwarded-For is believed; empty = none. */
  @IsString()
  TRUST_PROXY = '';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Transform(toInt) @IsInt() @Min(1)
  RATE_LIMIT_PER_MINUTE = 1200;

  @Transform(emptyToUndefined) @IsOptional() @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL?: string;

  /** Longest wait for the shared rate-limit store (Redis) per call; past it the instance counts locally. */
  @Transform(toInt) @IsInt() @Min(1) @Max(10_000)
  RATE_LIMIT_STORE_TIMEOUT_MS = 50;

  /** After SIGTERM: how long readiness answers 503 while requests are still served (contract §4 operations). */
  @Transform(toInt) @IsInt() @Min(0) @Max(600_000)
  SHUTDOWN_DRAIN_MS = 5_000;

  /** After the drain: how long in-flight requests (and streams) get to finish before streams are cut with their marker. */
  @Transform(toInt) @IsInt() @Min(0) @Max(600_000)
  SHUTDOWN_GRACE_MS = 20_000;

  /** Concurrent webhook deliveries per instance, and per endpoint within them. */
  @Transform(toInt) @IsInt() @Min(1) @Max(1_000)
  WEBHOOK_CONCURRENCY = 16;

  @Transform(toInt) @IsInt() @Min(1) @Max(1_000)
  WEBHOOK_CONCURRENCY_PER_ENDPOINT = 2;

  @Transform(toInt) @IsInt() @Min(1024) @Max(50 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  /**
   * Request-body bytes one instance holds at once across all connections (received, not yet parsed); past
   * it → 503. The default is twice what one address can hold (256 connections × 1 MiB), so one address
   * alone cannot use it up.
   */
  @Transform(toInt) @IsInt() @Min(1024) @Max(16 * 1024 * 1024 * 1024)
  MAX_INFLIGHT_BODY_BYTES = 512 * 1024 * 1024;

  /**
   * Of those, the bytes one client address may hold at once; past it → 429. Uploads stalled on purpose
   * from one address then hold at most this much memory, whatever its connection cap allows.
   */
  @Transform(toInt) @IsInt() @Min(1024) @Max(16 * 1024 * 1024 * 1024)
  MAX_INFLIGHT_BODY_BYTES_PER_IP = 64 * 1024 * 1024;

  /** A request's headers and body must arrive within this time, else 408 and the connection is closed. */
  @Transform(toInt) @IsInt() @Min(100) @Max(600_000)
  REQUEST_TIMEOUT_MS = 30_000;

  /** Open connections one client address may hold; more are closed at once. */
  @Transform(toInt) @IsInt() @Min(1) @Max(100_000)
  MAX_CONNECTIONS_PER_IP = 256;

  /** An idle keep-alive connection is closed after this long (above a load balancer's idle timeout). */
  @Transform(toInt) @IsInt() @Min(1000) @Max(600_000)
  KEEP_ALIVE_TIMEOUT_MS = 72_000;

  /** Request headers larger than this → 431. */
  @Transform(toInt) @IsInt() @Min(1024) @Max(1024 * 1024)
  MAX_HEADER_BYTES = 16 * 1024;

  /** Failed sign-ins for one e-mail per 15 minutes; then 429 for that e-mail, whatever the password, until the window passes. */
  @Transform(toInt) @IsInt() @Min(1)
  LOGIN_FAILURES_PER_EMAIL = 10;

  /** Failed sign-ins from one address per hour. */
  @Transform(toInt) @IsInt() @Min(1)
  LOGIN_FAILURES_PER_IP_PER_HOUR = 100;

  /** Sign-ups from one address per hour. */
  @Transform(toInt) @IsInt() @Min(1)
  SIGNUP_LIMIT_PER_IP_PER_HOUR = 20;

  /** Refreshes and token exchanges, together, from one address per minute. */
  @Transform(toInt) @IsInt() @Min(1)
  REFRESH_LIMIT_PER_IP_PER_MINUTE = 300;

  /** Failed bearer credentials from one address per minute; then every bearer request from it → 429. */
  @Transform(toInt) @IsInt() @Min(1)
  BEARER_FAILURES_PER_IP_PER_MINUTE = 600;

  /**
   * Requests from one address refused for a hostile body (JSON nested too deep, a body over the limit)
   * per minute; past it each further such refusal is answered only after HOSTILE_BODY_DELAY_MS.
   */
  @Transform(toInt) @IsInt() @Min(1)
  HOSTILE_BODY_REFUSALS_PER_IP_PER_MINUTE = 30;

  /** How long a hostile body's refusal is held (its connection paused) once its address is over the budget above. */
  @Transform(toInt) @IsInt() @Min(0) @Max(60_000)
  HOSTILE_BODY_DELAY_MS = 2_000;

  @Transform(toBool) @IsBoolean()
  JOBS_ENABLED = true;

  /** Allow webhook targets on private, loopback or link-local addresses, and plain http (development, tests). */
  @Transform(toBool) @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE_TARGETS = false;

  /** A delivery succeeds on a 2xx answer within this time. */
  @Transform(toInt) @IsInt() @Min(100) @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 15_000;

  /** Seconds before each retry of a failed delivery, comma-separated; its length is the number of retries. */
  @Matches(/^\s*\d+\s*(,\s*\d+\s*)*$/, { message: 'WEBHOOK_RETRY_SCHEDULE_SECONDS must be comma-separated seconds' })
  WEBHOOK_RETRY_SCHEDULE_SECONDS = '5,300,1800,7200,18000,36000,36000';

  /** How long the previous signing secret keeps signing after a rotation. */
  @Transform(toInt) @IsInt() @Min(0) @Max(30 * 86_400)
  WEBHOOK_SECRET_ROTATION_OVERLAP_SECONDS = 86_400;

  /** An endpoint whose delivery exhausts its retries after failing this long without a success is disabled. */
  @Transform(toInt) @IsInt() @Min(0) @Max(90 * 86_400)
  WEBHOOK_DISABLE_AFTER_FAILING_SECONDS = 86_400;

  /** Key for encrypting webhook signing secrets at rest; derived from API_KEY_PEPPER when not given. */
  @Transform(emptyToUndefined) @IsOptional() @IsString() @MinLength(32, { message: 'WEBHOOK_SECRET_KEY must be at least 32 characters' })
  WEBHOOK_SECRET_KEY?: string;

  /** Where vehicle details and MOT history come from: `simulated` (offline, deterministic) or `dvla` (the real services). */
  @IsIn(['simulated', 'dvla'])
  VEHICLE_DATA_PROVIDER = 'simulated';

  /** DVLA Vehicle Enquiry Service. */
  @Matches(/^https?:\/\/.+/, { message: 'DVLA_BASE_URL must be an http(s) URL' })
  DVLA_BASE_URL = 'https://driver-vehicle-licensing.api.gov.uk';

  @IsString()
  DVLA_API_KEY = '';

  /** DVSA MOT History API and its OAuth2 client-credentials token endpoint. */
  @Matches(/^https?:\/\/.+/, { message: 'DVSA_BASE_URL must be an http(s) URL' })
  DVSA_BASE_URL = 'https://history.mot.api.gov.uk';

  @IsString()
  DVSA_API_KEY = '';

  @Matches(/^https?:\/\/.+/, { message: 'DVSA_TOKEN_URL must be an http(s) URL' })
  DVSA_TOKEN_URL = 'https://login.microsoftonline.com/a455b827-244f-4c97-b5b4-ce5d13b4d00c/oauth2/v2.0/token';

  @IsString()
  DVSA_CLIENT_ID = '';

  @IsString()
  DVSA_CLIENT_SECRET = '';

  @IsString()
  DVSA_SCOPE = 'https://tapi.dvsa.gov.uk/.default';

  /** Timeout of one upstream lookup request. */
  @Transform(toInt) @IsInt() @Min(50) @Max(60_000)
  LOOKUP_TIMEOUT_MS = 3000;

  /** Attempts per upstream call in a background retry (429, 5xx, timeouts); a request makes at most 2. */
  @Transform(toInt) @IsInt() @Min(1) @Max(10)
  LOOKUP_MAX_ATTEMPTS = 3;

  /** First delay (seconds) of the durable retry of a pending lookup; doubled each time, up to an hour. */
  @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  LOOKUP_RETRY_DELAY_SECONDS = 30;

  /** Durable retries of a pending lookup before it is left pending (a refresh-lookup starts again). */
  @Transform(toInt) @IsInt() @Min(0) @Max(100)
  LOOKUP_RETRY_LIMIT = 12;

  /**
   * How often (seconds) this instance sends the due `api_key.expiring` warnings and prunes old usage
   * buckets; each warning is claimed once whichever instance scans. 0: this instance never scans.
   */
  @Transform(toInt) @IsInt() @Min(0) @Max(86_400)
  API_KEY_EXPIRY_SCAN_SECONDS = 60;

  /** A licence check is flagged when its penalty points reach this (or the licence is not valid). */
  @Transform(toInt) @IsInt() @Min(1) @Max(100)
  LICENCE_FLAG_POINTS = 6;
}

export class ConfigError extends Error {}

/** Settings whose value is never echoed in an error (URLs may carry passwords). */
const MAY_CONTAIN_SECRETS = /SECRET|KEY|PEPPER|PASSWORD|URL/;

/**
 * Builds the configuration from an environment. Secrets that are not given are generated and kept in
 * DATA_DIR on the embedded database; on PostgreSQL (several instances) they must be given explicitly.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const known = settingNames();
  const raw = Object.fromEntries(Object.entries(env).filter(([key]) => known.has(key)));
  const config = plainToInstance(AppConfig, raw);
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (errors.length > 0) {
    const first = errors[0];
    // decorators apply bottom-up, so the last constraint is the first written: the type check
    const message = Object.values(first.constraints ?? {}).at(-1) ?? 'is invalid';
    const shown = MAY_CONTAIN_SECRETS.test(first.property) ? '' : ` (got ${JSON.stringify(raw[first.property])})`;
    throw new ConfigError(`Invalid configuration: ${first.property}: ${message}${shown}`);
  }
  config.DATA_DIR = resolve(config.DATA_DIR);
  for (const name of ['JWT_SECRET', 'API_KEY_PEPPER'] as const) {
    if (config[name]) continue;
    if (config.DATABASE_URL) {
      throw new ConfigError(`Invalid configuration: ${name} is required when DATABASE_URL is set`);
    }
    config[name] = persistedSecret(config.DATA_DIR, name.toLowerCase());
  }
  if (!config.AUDIT_SIGNING_KEY) {
    if (config.DATABASE_URL) {
      throw new ConfigError('Invalid configuration: AUDIT_SIGNING_KEY is required when DATABASE_URL is set (an Ed25519 key in PKCS#8 PEM: openssl genpkey -algorithm ed25519)');
    }
    config.AUDIT_SIGNING_KEY = persistedSigningKey(config.DATA_DIR);
  }
  const keyProblem = signingKeyProblem(config.AUDIT_SIGNING_KEY);
  if (keyProblem) throw new ConfigError(`Invalid configuration: AUDIT_SIGNING_KEY: ${keyProblem}`);
  return config;
}

/** Every decorated AppConfig property, optional ones (no initial value) included. */
function settingNames(): Set<string> {
  return new Set(getMetadataStorage().getTargetValidationMetadatas(AppConfig, '', true, false).map((rule) => rule.propertyName));
}

function persistedSecret(dataDir: string, name: string): string {
  const file = join(dataDir, `${name}.secret`);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** Why a PEM is not a usable Ed25519 private key, or undefined when it is (literal `\n` line breaks accepted). */
function signingKeyProblem(pem: string): string | undefined {
  const text = pem.includes('\n') ? pem : pem.replaceAll('\\n', '\n');
  try {
    const key = createPrivateKey({ key: text, format: 'pem' });
    if (key.asymmetricKeyType !== 'ed25519') return `must be an Ed25519 key, not ${key.asymmetricKeyType ?? 'unknown'} (openssl genpkey -algorithm ed25519)`;
    return undefined;
  } catch {
    return 'must be an Ed25519 private key in PKCS#8 PEM (openssl genpkey -algorithm ed25519)';
  }
}

function persistedSigningKey(dataDir: string): string {
  const file = join(dataDir, 'audit_signing_key.pem');
  if (existsSync(file)) return readFileSync(file, 'utf8');
  mkdirSync(dataDir, { recursive: true });
  const pem = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  writeFileSync(file, pem, { mode: 0o600 });
  return pem;
}

/** Non-optional view used by services once loadConfig has filled the secrets in. */
export function requireSetting(value: string | undefined, name: string): string {
  if (!value) throw new ConfigError(`Invalid configuration: ${name} is missing`);
  return value;
}
