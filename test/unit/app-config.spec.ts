import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppConfig, ConfigError, loadConfig } from '../../src/platform/config/app-config.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'fleetgate-config-'));
const ED25519_PEM = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const SECRETS = { JWT_SECRET: 'j'.repeat(32), API_KEY_PEPPER: 'p'.repeat(32), AUDIT_SIGNING_KEY: ED25519_PEM };

function configError(env: Record<string, string>): string {
  try {
    loadConfig({ DATA_DIR: dataDir(), ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe(loadConfig.name, () => {
  it('fills in good defaults for the embedded database', () => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config).toBeInstanceOf(AppConfig);
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '0.0.0.0',
      DATA_DIR: dir,
      LOG_LEVEL: 'info',
      TRUST_PROXY: '',
      BODY_LIMIT_BYTES: 1024 * 1024,
      ACCESS_TOKEN_TTL_SECONDS: 900,
      JOBS_ENABLED: true,
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('reads numbers and booleans from strings and ignores unrelated variables', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), PORT: '8080', JOBS_ENABLED: 'false', DB_POOL_SIZE: '4', PATH: '/usr/bin', HOME: '/root' });
    expect(config.PORT).toBe(8080);
    expect(config.JOBS_ENABLED).toBe(false);
    expect(config.DB_POOL_SIZE).toBe(4);
    expect(config).not.toHaveProperty('PATH');
  });

  it('resolves DATA_DIR to an absolute path', () => {
    const config = loadConfig({ DATA_DIR: 'relative-data', ...SECRETS, DATABASE_URL: 'postgres://u@h/db' });
    expect(config.DATA_DIR).toBe(join(process.cwd(), 'relative-data'));
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '3.5'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['LOG_LEVEL', 'loud'],
    ['BODY_LIMIT_BYTES', '10'],
    ['JOBS_ENABLED', 'maybe'],
    ['JWT_SECRET', 'too-short'],
  ])('stops with one clear line for %s=%s', (name, value) => {
    const message = configError({ [name]: value });
    expect(message).toMatch(new RegExp(`^Invalid configuration: ${name}: .+`));
    expect(message).not.toContain('\n');
  });

  it('names the setting, the rule it breaks and the value given', () => {
    expect(configError({ PORT: 'abc' })).toBe('Invalid configuration: PORT: PORT must be an integer number (got "abc")');
    expect(configError({ LOG_LEVEL: 'loud' })).toMatch(/^Invalid configuration: LOG_LEVEL: LOG_LEVEL must be one of the following values: .+ \(got "loud"\)$/);
  });

  it('never echoes the value of a secret or a URL', () => {
    expect(configError({ JWT_SECRET: 'hunter2-short' })).not.toContain('hunter2');
    expect(configError({ DATABASE_URL: 'mysql://admin:s3cret@db/x' })).not.toContain('s3cret');
  });

  it.each(['JWT_SECRET', 'API_KEY_PEPPER'])('requires %s when DATABASE_URL is set', (name) => {
    const env: Record<string, string> = { ...SECRETS, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/fleetgate' };
    delete env[name];
    expect(configError(env)).toBe(`Invalid configuration: ${name} is required when DATABASE_URL is set`);
  });

  it('accepts postgresql:// URLs and given secrets as they are', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), ...SECRETS, DATABASE_URL: 'postgresql://u:p@db:5432/fleetgate' });
    expect(config.DATABASE_URL).toBe('postgresql://u:p@db:5432/fleetgate');
    expect(config.JWT_SECRET).toBe(SECRETS.JWT_SECRET);
  });

  it('treats an empty DATABASE_URL as unset', () => {
    expect(loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('generates the embedded database\'s secrets once, keeps them private in DATA_DIR, and reuses them', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    expect(first.JWT_SECRET!.length).toBeGreaterThanOrEqual(32);
    expect(first.API_KEY_PEPPER!.length).toBeGreaterThanOrEqual(32);
    expect(first.JWT_SECRET).not.toBe(first.API_KEY_PEPPER);
    const file = join(dir, 'jwt_secret.secret');
    expect(readFileSync(file, 'utf8')).toBe(first.JWT_SECRET);
    expect(statSync(file).mode & 0o077).toBe(0);
    const second = loadConfig({ DATA_DIR: dir });
    expect(second.JWT_SECRET).toBe(first.JWT_SECRET);
    expect(second.API_KEY_PEPPER).toBe(first.API_KEY_PEPPER);
    expect(loadConfig({ DATA_DIR: dataDir() }).JWT_SECRET).not.toBe(first.JWT_SECRET);
  });

  it('creates a missing DATA_DIR for the secrets', () => {
    const dir = join(dataDir(), 'nested', 'deeper');
    loadConfig({ DATA_DIR: dir });
    expect(existsSync(join(dir, 'api_key_pepper.secret'))).toBe(true);
  });
});

describe('AppConfig settings', () => {
  it('reads optional settings that have no default', () => {
    const config = loadConfig({
      DATA_DIR: dataDir(),
      REDIS_URL: 'redis://cache:6379',
      WEBHOOK_SECRET_KEY: 'w'.repeat(32),
      ...SECRETS,
    });
    expect(config.REDIS_URL).toBe('redis://cache:6379');
    expect(config.WEBHOOK_SECRET_KEY).toBe('w'.repeat(32));
  });

  describe('the audit signing key', () => {
    const postgres = 'postgres://postgres@127.0.0.1:5432/fleetgate';

    it('requires AUDIT_SIGNING_KEY when DATABASE_URL is set, naming the command that makes one', () => {
      expect(configError({ JWT_SECRET: SECRETS.JWT_SECRET, API_KEY_PEPPER: SECRETS.API_KEY_PEPPER, DATABASE_URL: postgres })).toBe(
        'Invalid configuration: AUDIT_SIGNING_KEY is required when DATABASE_URL is set (an Ed25519 key in PKCS#8 PEM: openssl genpkey -algorithm ed25519)',
      );
    });

    it('accepts a PKCS#8 PEM with real or literal \\n line breaks', () => {
      expect(loadConfig({ DATA_DIR: dataDir(), ...SECRETS, DATABASE_URL: postgres }).AUDIT_SIGNING_KEY).toBe(ED25519_PEM);
      const oneLine = ED25519_PEM.replaceAll('\n', '\\n');
      expect(loadConfig({ DATA_DIR: dataDir(), ...SECRETS, AUDIT_SIGNING_KEY: oneLine, DATABASE_URL: postgres }).AUDIT_SIGNING_KEY).toBe(oneLine);
    });

    it('refuses a key that is not Ed25519, or not a key, without echoing it', () => {
      const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      expect(configError({ ...SECRETS, AUDIT_SIGNING_KEY: rsa })).toBe(
        'Invalid configuration: AUDIT_SIGNING_KEY: must be an Ed25519 key, not rsa (openssl genpkey -algorithm ed25519)',
      );
      const message = configError({ ...SECRETS, AUDIT_SIGNING_KEY: 'not-a-key-s3cret' });
      expect(message).toBe('Invalid configuration: AUDIT_SIGNING_KEY: must be an Ed25519 private key in PKCS#8 PEM (openssl genpkey -algorithm ed25519)');
      expect(message).not.toContain('s3cret');
    });

    it('generates one into DATA_DIR on the embedded database and reuses it on the next start', () => {
      const dir = dataDir();
      const first = loadConfig({ DATA_DIR: dir }).AUDIT_SIGNING_KEY;
      expect(first).toContain('-----BEGIN PRIVATE KEY-----');
      expect(readFileSync(join(dir, 'audit_signing_key.pem'), 'utf8')).toBe(first);
      expect(statSync(join(dir, 'audit_signing_key.pem')).mode & 0o777).toBe(0o600);
      expect(loadConfig({ DATA_DIR: dir }).AUDIT_SIGNING_KEY).toBe(first);
    });

    it('checkpoints every hour unless AUDIT_CHECKPOINT_INTERVAL_SECONDS says otherwise', () => {
      expect(loadConfig({ DATA_DIR: dataDir() }).AUDIT_CHECKPOINT_INTERVAL_SECONDS).toBe(3600);
      expect(loadConfig({ DATA_DIR: dataDir(), AUDIT_CHECKPOINT_INTERVAL_SECONDS: '60' }).AUDIT_CHECKPOINT_INTERVAL_SECONDS).toBe(60);
      expect(configError({ AUDIT_CHECKPOINT_INTERVAL_SECONDS: '0' })).toContain('AUDIT_CHECKPOINT_INTERVAL_SECONDS');
    });
  });
});
