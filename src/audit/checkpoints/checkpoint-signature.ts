import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  CHECKPOINT_DOMAIN,
  checkpointBytes,
  checkpointFieldsProblem,
  type CheckpointFields,
  kidOfRawPublicKey,
  signCheckpoint as signBytes,
  type SignedCheckpoint,
  verifyCheckpoint as verifyBytes,
} from '#audit-verify/checkpoint.js';

/**
 * Signed checkpoints of a company's audit chain. The canonical bytes and the verification live in the
 * offline verifier's package (tools/audit-verify/lib), so the server signs exactly what customers verify.
 */
export { CHECKPOINT_DOMAIN, checkpointBytes, checkpointFieldsProblem };
export type { CheckpointFields, SignedCheckpoint };

/** A checkpoint as published: signedAt in its signed ISO form. */
export interface Checkpoint extends SignedCheckpoint {
  signedAt: string;
}

/** One entry of GET /.well-known/fleetgate/audit-keys. */
export interface PublishedAuditKey {
  kid: string;
  alg: 'Ed25519';
  publicKey: string;
  validFrom: string;
  validTo?: string;
}

/** Ed25519 signature (base64url, 86 characters) of checkpointBytes(fields). */
export function signCheckpoint(fields: CheckpointFields, privateKey: KeyObject): string {
  return signBytes(fields, privateKey);
}

/** Whether the checkpoint's signature verifies under a raw 32-byte public key in base64url; false for malformed input. */
export function verifyCheckpoint(checkpoint: SignedCheckpoint, publicKeyBase64url: string): boolean {
  return verifyBytes(checkpoint, publicKeyBase64url);
}

/** The raw 32-byte Ed25519 public key, base64url (43 characters), of a private or public key. */
export function rawPublicKey(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new TypeError('not an Ed25519 key');
  const { x } = publicKey.export({ format: 'jwk' });
  if (typeof x !== 'string') throw new TypeError('not an Ed25519 key');
  return x;
}

/** The key id: the first 16 characters of the base64url SHA-256 of the raw public key (of a private or public key). */
export function kidOf(key: KeyObject): string {
  return kidOfRawPublicKey(rawPublicKey(key));
}

/**
 * An Ed25519 private key from PKCS#8 PEM (what `openssl genpkey -algorithm ed25519` prints). Accepts PEM
 * whose line breaks arrive as literal `\n` (a common shape in environment variables). Throws on other keys.
 */
export function loadSigningKey(pem: string): KeyObject {
  const text = pem.includes('\n') ? pem : pem.replaceAll('\\n', '\n');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: text, format: 'pem' });
  } catch {
    throw new TypeError('the audit signing key is not a PEM private key');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`the audit signing key is ${key.asymmetricKeyType ?? 'unknown'}, not Ed25519 (openssl genpkey -algorithm ed25519)`);
  }
  return key;
}

/** A new signing key as PKCS#8 PEM, for DATA_DIR on the embedded database. */
export function generateSigningKeyPem(): string {
  return generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
}

/** Signs the chain head `{companyId, seq, hash}` at `signedAt` with the key whose kid it records. */
export function makeCheckpoint(head: { companyId: string; seq: number; hash: string }, privateKey: KeyObject, signedAt: Date): Checkpoint {
  const fields = { companyId: head.companyId, seq: head.seq, hash: head.hash, signedAt: signedAt.toISOString(), kid: kidOf(privateKey) };
  return { ...fields, signature: signCheckpoint(fields, privateKey) };
}

/** The keys-file entry publishing a signing key's public half. */
export function publishedKey(key: KeyObject, validFrom: Date, validTo?: Date): PublishedAuditKey {
  return {
    kid: kidOf(key),
    alg: 'Ed25519',
    publicKey: rawPublicKey(key),
    validFrom: validFrom.toISOString(),
    ...(validTo ? { validTo: validTo.toISOString() } : {}),
  };
}
