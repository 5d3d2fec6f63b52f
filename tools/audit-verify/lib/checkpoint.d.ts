import type { KeyObject } from 'node:crypto';

export declare const CHECKPOINT_DOMAIN: 'fleetgate-audit-checkpoint:v1';

/** What a checkpoint signs. `signedAt`: a Date, or exactly its toISOString() form. */
export interface CheckpointFields {
  companyId: string;
  seq: number;
  hash: string;
  signedAt: Date | string;
  kid: string;
}

export interface SignedCheckpoint extends CheckpointFields {
  /** Ed25519 signature of checkpointBytes(fields), base64url without padding. */
  signature: string;
}

/** Why these fields cannot be signed or verified, or undefined when they can. */
export declare function checkpointFieldsProblem(fields: unknown): string | undefined;

/** UTF-8 of `fleetgate-audit-checkpoint:v1\n{companyId}\n{seq}\n{hash}\n{signedAt}\n{kid}`; throws TypeError on bad fields. */
export declare function checkpointBytes(fields: CheckpointFields): Buffer;

/** A public KeyObject from a raw 32-byte Ed25519 key in base64url; throws TypeError if it is not one. */
export declare function publicKeyFromRaw(publicKeyBase64url: string): KeyObject;

/** First 16 characters of the base64url SHA-256 of the raw 32-byte public key. */
export declare function kidOfRawPublicKey(publicKeyBase64url: string): string;

/** Ed25519 signature (base64url) of checkpointBytes(fields). */
export declare function signCheckpoint(fields: CheckpointFields, privateKey: KeyObject): string;

/** Whether checkpoint.signature verifies under the key (raw base64url or KeyObject); false on malformed input. */
export declare function verifyCheckpoint(checkpoint: SignedCheckpoint, publicKey: string | KeyObject): boolean;
