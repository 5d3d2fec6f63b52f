import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkpointBytes,
  generateSigningKeyPem,
  kidOf,
  loadSigningKey,
  makeCheckpoint,
  publishedKey,
  rawPublicKey,
  signCheckpoint,
  verifyCheckpoint,
} from '../../src/audit/checkpoints/checkpoint-signature.js';

// RFC 8032 section 7.1, TEST 1: a published Ed25519 key, so any third party can reproduce these vectors.
const TEST_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g
-----END PRIVATE KEY-----
`;
const TEST_PUBLIC_KEY = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo'; // d75a9801…f707511a in hex
const TEST_KID = 'If4x36FUomFia_hU';

const fields = {
  companyId: '019a0000-0000-7000-8000-0000000000aa',
  seq: 1234,
  hash: 'a97b201a6ad3d5b28580722c6eb2326fe74daa0d1b0a6bef20755b0d22cc8441',
  signedAt: '2026-11-25T21:00:00.000Z',
  kid: TEST_KID,
};
const CANONICAL = 'fleetgate-audit-checkpoint:v1\n019a0000-0000-7000-8000-0000000000aa\n1234\n'
  + 'a97b201a6ad3d5b28580722c6eb2326fe74daa0d1b0a6bef20755b0d22cc8441\n2026-11-25T21:00:00.000Z\nIf4x36FUomFia_hU';
// Ed25519 is deterministic; also produced by `openssl pkeyutl -sign -rawin` over CANONICAL with the same key.
const SIGNATURE = '4UXTWK-quOn6bMB0ZDcx1cuzG-5Vc-uhyIfz8ic326xrVEhNiWUgS18cht9jaDv0m-WjDF4Q2hHsSeO_ANBBCQ';

const key = loadSigningKey(TEST_KEY_PEM);

describe('checkpoint signatures', () => {
  it('uses the standard Ed25519 of RFC 8032 (its TEST 1 signature of the empty message)', () => {
    expect(sign(null, Buffer.alloc(0), key).toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });

  describe('checkpointBytes', () => {
    it('is the UTF-8 of the domain line and the five fields, one per line, without a trailing line feed', () => {
      expect(checkpointBytes(fields).toString('utf8')).toBe(CANONICAL);
      expect(checkpointBytes(fields)).toEqual(Buffer.from(CANONICAL, 'utf8'));
    });

    it('writes a Date signedAt as its ISO 8601 form with milliseconds in UTC', () => {
      expect(checkpointBytes({ ...fields, signedAt: new Date('2026-11-25T21:00:00Z') }).toString()).toBe(CANONICAL);
    });

    it.each([
      ['a companyId with a line feed', { companyId: 'a\nb' }],
      ['seq 0', { seq: 0 }],
      ['a fractional seq', { seq: 1.5 }],
      ['seq as a string', { seq: '1234' }],
      ['an uppercase hash', { hash: fields.hash.toUpperCase() }],
      ['a short hash', { hash: 'abc' }],
      ['signedAt without milliseconds', { signedAt: '2026-11-25T21:00:00Z' }],
      ['signedAt with an offset', { signedAt: '2026-11-25T21:00:00.000+00:00' }],
      ['an impossible date', { signedAt: '2026-02-30T21:00:00.000Z' }],
      ['a kid with a line feed', { kid: 'a\nb' }],
    ])('refuses %s', (_name, override) => {
      expect(() => checkpointBytes({ ...fields, ...override } as typeof fields)).toThrow(TypeError);
    });
  });

  describe(signCheckpoint.name, () => {
    it('signs the canonical bytes: the fixed vector', () => {
      expect(signCheckpoint(fields, key)).toBe(SIGNATURE);
    });
  });

  describe(verifyCheckpoint.name, () => {
    const checkpoint = { ...fields, signature: SIGNATURE };

    it('accepts the fixed vector under the raw public key', () => {
      expect(verifyCheckpoint(checkpoint, TEST_PUBLIC_KEY)).toBe(true);
    });

    it.each([
      ['another seq', { seq: 1235 }],
      ['another hash', { hash: `b${fields.hash.slice(1)}` }],
      ['another company', { companyId: '019a0000-0000-7000-8000-0000000000ab' }],
      ['another signedAt', { signedAt: '2026-11-25T21:00:00.001Z' }],
      ['another kid', { kid: 'AAAAAAAAAAAAAAAA' }],
      ['a flipped signature bit', { signature: `5${SIGNATURE.slice(1)}` }],
      ['a truncated signature', { signature: SIGNATURE.slice(0, 85) }],
      ['a padded signature', { signature: `${SIGNATURE}==` }],
      ['a missing signature', { signature: undefined }],
    ])('rejects %s', (_name, override) => {
      expect(verifyCheckpoint({ ...checkpoint, ...override } as typeof checkpoint, TEST_PUBLIC_KEY)).toBe(false);
    });

    it('rejects another key, and a malformed key, without throwing', () => {
      const other = rawPublicKey(loadSigningKey(generateSigningKeyPem()));
      expect(verifyCheckpoint(checkpoint, other)).toBe(false);
      expect(verifyCheckpoint(checkpoint, 'not-a-key')).toBe(false);
      expect(verifyCheckpoint(checkpoint, `${TEST_PUBLIC_KEY}A`)).toBe(false);
    });
  });

  describe('keys', () => {
    it('exports the raw 32-byte public key as base64url, from the private or the public key', () => {
      expect(rawPublicKey(key)).toBe(TEST_PUBLIC_KEY);
      expect(rawPublicKey(createPublicKey(key))).toBe(TEST_PUBLIC_KEY);
      expect(Buffer.from(TEST_PUBLIC_KEY, 'base64url').toString('hex')).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    });

    it('names a key by the first 16 base64url characters of SHA-256 of its raw public key', () => {
      expect(kidOf(key)).toBe(TEST_KID);
      expect(kidOf(createPublicKey(key))).toBe(TEST_KID);
    });

    it('loads PKCS#8 PEM, also with its line breaks escaped as in an environment variable', () => {
      expect(kidOf(loadSigningKey(TEST_KEY_PEM.replaceAll('\n', '\\n')))).toBe(TEST_KID);
    });

    it('refuses a key that is not Ed25519, and text that is not a key', () => {
      const ecdsa = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
      expect(() => loadSigningKey(ecdsa.toString())).toThrow(/not Ed25519/);
      expect(() => loadSigningKey('hello')).toThrow(/not a PEM private key/);
    });

    it('generates keys that sign verifiable checkpoints', () => {
      const fresh = loadSigningKey(generateSigningKeyPem());
      const checkpoint = makeCheckpoint({ companyId: fields.companyId, seq: 7, hash: fields.hash }, fresh, new Date('2026-11-25T21:30:00Z'));
      expect(checkpoint).toMatchObject({ seq: 7, signedAt: '2026-11-25T21:30:00.000Z', kid: kidOf(fresh) });
      expect(verifyCheckpoint(checkpoint, rawPublicKey(fresh))).toBe(true);
    });

    it('publishes a key as the audit-keys document lists it', () => {
      expect(publishedKey(key, new Date('2026-11-01T00:00:00Z'))).toEqual({
        kid: TEST_KID, alg: 'Ed25519', publicKey: TEST_PUBLIC_KEY, validFrom: '2026-11-01T00:00:00.000Z',
      });
      expect(publishedKey(key, new Date('2026-11-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z')).validTo).toBe('2026-12-01T00:00:00.000Z');
    });
  });
});
