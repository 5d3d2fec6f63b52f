// Reading the verifier's inputs: the published keys file and checkpoints the customer saved.
import { checkpointFieldsProblem, publicKeyFromRaw, verifyCheckpoint } from './checkpoint.js';

/** An input the verifier cannot use at all (exit code 2), as opposed to a verification failure. */
export class UsageError extends Error {}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function instant(value, what) {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value) || Number.isNaN(Date.parse(value))) {
    throw new UsageError(`${what} is not an ISO 8601 instant: ${JSON.stringify(value)}`);
  }
  return Date.parse(value);
}

/**
 * The response of GET /.well-known/fleetgate/audit-keys: `{keys:[{kid, alg, publicKey, validFrom, validTo?}]}`.
 * Returns kid → key. Keys of another algorithm are kept (a checkpoint naming one fails as unsupported).
 */
export function parseKeys(text, source) {
  let document;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not JSON: ${error.message}`);
  }
  const list = Array.isArray(document) ? document : document?.keys;
  if (!Array.isArray(list)) throw new UsageError(`${source} has no "keys" array`);
  const keys = new Map();
  list.forEach((entry, index) => {
    const where = `${source} keys[${index}]`;
    if (entry === null || typeof entry !== 'object' || typeof entry.kid !== 'string' || entry.kid === '') throw new UsageError(`${where} has no kid`);
    if (keys.has(entry.kid)) throw new UsageError(`${where}: kid ${entry.kid} is listed twice`);
    const key = {
      kid: entry.kid,
      alg: entry.alg,
      validFrom: instant(entry.validFrom, `${where}.validFrom`),
      validTo: entry.validTo === undefined || entry.validTo === null ? undefined : instant(entry.validTo, `${where}.validTo`),
      keyObject: undefined,
    };
    if (entry.alg === 'Ed25519') {
      try {
        key.keyObject = publicKeyFromRaw(entry.publicKey);
      } catch (error) {
        throw new UsageError(`${where}.publicKey: ${error.message}`);
      }
    }
    keys.set(entry.kid, key);
  });
  return keys;
}

function looksLikeCheckpoint(value) {
  return value !== null && typeof value === 'object' && 'seq' in value && 'hash' in value && 'signature' in value;
}

/** Checkpoints inside one JSON value: a checkpoint, an audit.checkpoint webhook payload, a list page or an array. */
function collect(value, out) {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, out);
  } else if (looksLikeCheckpoint(value)) {
    out.push(value);
  } else if (value !== null && typeof value === 'object' && value.data !== undefined) {
    collect(value.data, out); // {type: "audit.checkpoint", timestamp, data} or {data: [...], nextCursor}
  }
  return out;
}

/**
 * The checkpoints in a file the customer saved: JSON (one checkpoint, an array, the audit.checkpoint webhook
 * payload, a GET /v1/audit-logs/checkpoints page) or NDJSON of any of these, one per line.
 */
export function parseCheckpointFile(text, source) {
  let values;
  try {
    values = [JSON.parse(text)];
  } catch {
    try {
      values = text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
    } catch (error) {
      throw new UsageError(`${source} is neither JSON nor NDJSON: ${error.message}`);
    }
  }
  const found = collect(values, []);
  if (found.length === 0) throw new UsageError(`${source} holds no checkpoint (an object with seq, hash and signature)`);
  return found.map((checkpoint, index) => ({ checkpoint, source: found.length === 1 ? source : `${source}#${index + 1}` }));
}

/** Why a checkpoint's signature cannot be trusted under the published keys, or undefined when it can. */
export function signatureProblem(checkpoint, keys) {
  const malformed = checkpointFieldsProblem(checkpoint);
  if (malformed) return { code: 'malformed_checkpoint', message: `malformed checkpoint: ${malformed}` };
  const key = keys.get(checkpoint.kid);
  if (!key) return { code: 'unknown_kid', message: `signed by kid ${checkpoint.kid}, which the keys file does not list` };
  if (!key.keyObject) return { code: 'unsupported_alg', message: `kid ${checkpoint.kid} is a ${String(key.alg)} key; only Ed25519 is supported` };
  const signedAt = Date.parse(checkpoint.signedAt);
  if (signedAt < key.validFrom || (key.validTo !== undefined && signedAt >= key.validTo)) {
    return { code: 'key_not_valid_at_signed_at', message: `signedAt ${checkpoint.signedAt} is outside kid ${checkpoint.kid}'s validity` };
  }
  if (!verifyCheckpoint(checkpoint, key.keyObject)) return { code: 'bad_signature', message: `the signature does not verify under kid ${checkpoint.kid}` };
  return undefined;
}
