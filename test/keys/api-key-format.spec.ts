import { describe, expect, it } from 'vitest';
import { formatApiKey, newPublicId, newSecret, parseApiKey } from '../../src/identity/api-keys/api-key-format.js';

describe('API key format', () => {
  it('round-trips vk_{publicId}_{secret} with a short lowercase publicId and a high-entropy secret', () => {
    const publicId = newPublicId();
    const secret = newSecret(publicId);
    expect(publicId).toMatch(/^[a-z0-9]{12}$/);
    expect(secret).toMatch(/^[A-Za-z0-9]{38}$/);
    expect(parseApiKey(formatApiKey(publicId, secret))).toEqual({ kind: 'ok', key: { publicId, secret } });
  });

  it('never repeats a publicId or a secret across many draws', () => {
    const ids = new Set(Array.from({ length: 2000 }, newPublicId));
    const secrets = new Set(Array.from({ length: 2000 }, () => newSecret('abc')));
    expect(ids.size).toBe(2000);
    expect(secrets.size).toBe(2000);
  });

  it('detects any single-character typo by its checksum', () => {
    const key = formatApiKey('abcdef123456', newSecret('abcdef123456'));
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    for (let position = 16; position < key.length; position++) {
      const replacement = alphabet[(alphabet.indexOf(key[position]) + 7) % alphabet.length];
      const typo = key.slice(0, position) + replacement + key.slice(position + 1);
      expect(parseApiKey(typo).kind).toBe('bad_checksum');
    }
  });

  it.each(['', 'vk_', 'vk_abc_def', 'sk_abcdef123456_' + 'a'.repeat(38), 'vk_ABCDEF123456_' + 'a'.repeat(38), 'vk_abcdef123456_' + 'a'.repeat(37) + '-'])(
    'calls %j malformed',
    (candidate) => {
      expect(parseApiKey(candidate).kind).toBe('malformed');
    },
  );
});
