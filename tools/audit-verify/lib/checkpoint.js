// Signed checkpoints of the audit chain, shared by the Fleetgate server and the offline verifier.
import * as crypto from 'node:crypto';

/** First line of every signed checkpoint: names the format and its version. */
export const CHECKPOINT_DOMAIN = 'fleetgate-audit-checkpoint:v1';

const COMPANY_ID = /^[A-Za-z0-9-]{1,64}$/;
const HASH = /^[0-9a-f]{64}$/;
const SIGNED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const KID = /^[A-Za-z0-9_-]{1,64}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{86}$/; // 64 bytes, base64url without padding
const RAW_PUBLIC_KEY = /^[A-Za-z0-9_-]{43}$/; // 32 bytes, base64url without padding
// An Ed25519 SubjectPublicKeyInfo is this fixed DER prefix followed by the raw 32-byte key (RFC 8410).
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** signedAt as signed: a Date becomes toISOString(); a string must already be exactly that form. */
function signedAtText(signedAt) {
  return signedAt instanceof Date ? signedAt.toISOString() : signedAt;
}

/**
 * Why these fields cannot be signed or verified, or undefined when they can. Every field is restricted to
 * characters that cannot contain a line feed, so the line-separated encoding is unambiguous.
 */
export function checkpointFieldsProblem(fields) {
  if (fields === null || typeof fields !== 'object') return 'is not an object';
  const signedAt = signedAtText(fields.signedAt);
  if (typeof fields.companyId !== 'string' || !COMPANY_ID.test(fields.companyId)) return 'companyId must be 1-64 letters, digits or hyphens';
  if (!Number.isSafeInteger(fields.seq) || fields.seq < 1) return 'seq must be an integer >= 1';
  if (typeof fields.hash !== 'string' || !HASH.test(fields.hash)) return 'hash must be 64 lowercase hex digits';
  if (typeof signedAt !== 'string' || !SIGNED_AT.test(signedAt) || new Date(signedAt).toISOString() !== signedAt) {
    return 'signedAt must be an ISO 8601 UTC instant with milliseconds (YYYY-MM-DDTHH:mm:ss.sssZ)';
  }
  if (typeof fields.kid !== 'string' || !KID.test(fields.kid)) return 'kid must be 1-64 base64url characters';
  return undefined;
}

/**
 * The exact bytes an Ed25519 checkpoint signature covers: the UTF-8 (here plain ASCII) encoding of
 * `fleetgate-audit-checkpoint:v1\n{companyId}\n{seq}\n{hash}\n{signedAt}\n{kid}`, seq in decimal without
 * leading zeros, no trailing line feed. Throws a TypeError for fields that checkpointFieldsProblem rejects.
 */
export function checkpointBytes(fields) {
  const problem = checkpointFieldsProblem(fields);
  if (problem) throw new TypeError(`checkpoint ${problem}`);
  const text = [CHECKPOINT_DOMAIN, fields.companyId, String(fields.seq), fields.hash, signedAtText(fields.signedAt), fields.kid].join('\n');
  return Buffer.from(text, 'utf8');
}

/** A public KeyObject from a raw 32-byte Ed25519 key in base64url; throws if it is not one. */
export function publicKeyFromRaw(publicKeyBase64url) {
  if (typeof publicKeyBase64url !== 'string' || !RAW_PUBLIC_KEY.test(publicKeyBase64url)) {
    throw new TypeError('an Ed25519 public key is 32 bytes in base64url (43 characters)');
  }
  const der = Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(publicKeyBase64url, 'base64url')]);
  return crypto.createPublicKey({ key: der, format: 'der', type: 'spki' });
}

/** The key id: the first 16 characters of the base64url SHA-256 of the raw 32-byte public key. */
export function kidOfRawPublicKey(publicKeyBase64url) {
  publicKeyFromRaw(publicKeyBase64url);
  return crypto.createHash('sha256').update(Buffer.from(publicKeyBase64url, 'base64url')).digest('base64url').slice(0, 16);
}

/** Ed25519 signature (base64url) of the checkpoint's canonical bytes. */
export function signCheckpoint(fields, privateKey) {
  return crypto.sign(null, checkpointBytes(fields), privateKey).toString('base64url');
}

/**
 * True when `checkpoint.signature` is a valid Ed25519 signature of the checkpoint's canonical bytes under
 * the public key (a raw 32-byte key in base64url, or a KeyObject). Malformed input gives false, never throws.
 */
export function verifyCheckpoint(checkpoint, publicKey) {
  try {
    if (checkpointFieldsProblem(checkpoint) || typeof checkpoint.signature !== 'string' || !SIGNATURE.test(checkpoint.signature)) return false;
    const key = typeof publicKey === 'string' ? publicKeyFromRaw(publicKey) : publicKey;
    return crypto.verify(null, checkpointBytes(checkpoint), key, Buffer.from(checkpoint.signature, 'base64url'));
  } catch {
    return false;
  }
}
