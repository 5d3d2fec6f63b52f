import { createHash, randomBytes } from 'node:crypto';

/**
 * `vk_{publicId}_{secret}`: publicId is 12 lowercase alphanumerics (safe to log), the secret is 32
 * base62 characters (≈190 bits of randomness) followed by a 6-character checksum of everything before
 * it, so a mistyped key is refused without a database round trip.
 */
const PUBLIC_ID_LENGTH = 12;
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
const KEY_PATTERN = new RegExp(`^vk_([a-z0-9]{${PUBLIC_ID_LENGTH}})_([A-Za-z0-9]{${RANDOM_LENGTH}})([A-Za-z0-9]{${CHECKSUM_LENGTH}})$`);

export const API_KEY_PREFIX = 'vk_';

export interface ParsedApiKey {
  publicId: string;
  /** The secret part (random characters and checksum); only its keyed hash is stored. */
  secret: string;
}

export type ApiKeyParse = { kind: 'ok'; key: ParsedApiKey } | { kind: 'malformed' } | { kind: 'bad_checksum' };

/** Unbiased random string over `alphabet` (rejection sampling keeps every character equally likely). */
function randomString(length: number, alphabet: string): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

function checksum(body: string): string {
  let value = createHash('sha256').update(body).digest().readUInt32BE(0);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

export function newPublicId(): string {
  return randomString(PUBLIC_ID_LENGTH, BASE36);
}

export function newSecret(publicId: string): string {
  const random = randomString(RANDOM_LENGTH, BASE62);
  return random + checksum(`${API_KEY_PREFIX}${publicId}_${random}`);
}

export function formatApiKey(publicId: string, secret: string): string {
  return `${API_KEY_PREFIX}${publicId}_${secret}`;
}

export function parseApiKey(candidate: string): ApiKeyParse {
  const match = KEY_PATTERN.exec(candidate);
  if (!match) return { kind: 'malformed' };
  const [, publicId, random, sum] = match;
  if (checksum(`${API_KEY_PREFIX}${publicId}_${random}`) !== sum) return { kind: 'bad_checksum' };
  return { kind: 'ok', key: { publicId, secret: random + sum } };
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}
