import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateSigningSecret, SecretBox, sign, signatureHeader } from '../../src/webhooks/webhook-signing.js';

describe('webhook signing', () => {
  it('makes whsec_ secrets of 32 random bytes', () => {
    const secret = generateSigningSecret();
    expect(secret).toMatch(/^whsec_/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateSigningSecret()).not.toBe(secret);
  });

  it('signs exactly as the standardwebhooks package does', () => {
    const secret = generateSigningSecret();
    const at = new Date('2026-11-23T10:00:00Z');
    const body = JSON.stringify({ type: 'webhook.test', timestamp: at.toISOString(), data: { id: 'x' } });
    expect(sign(secret, 'msg_1', at.getTime() / 1000, body)).toBe(new Webhook(secret).sign('msg_1', at, body));
  });

  it('puts one signature per secret in the header, each verifying on its own', () => {
    const [current, previous] = [generateSigningSecret(), generateSigningSecret()];
    const timestamp = Math.floor(Date.now() / 1000);
    const body = '{"type":"webhook.test"}';
    const header = signatureHeader([current, previous], 'msg_2', timestamp, body);
    expect(header.split(' ')).toHaveLength(2);
    const headers = { 'webhook-id': 'msg_2', 'webhook-timestamp': String(timestamp), 'webhook-signature': header };
    expect(new Webhook(current).verify(body, headers)).toEqual({ type: 'webhook.test' });
    expect(new Webhook(previous).verify(body, headers)).toEqual({ type: 'webhook.test' });
    expect(() => new Webhook(generateSigningSecret()).verify(body, headers)).toThrow();
  });
});

describe(SecretBox.name, () => {
  it('seals secrets so that only the same key material opens them', () => {
    const box = new SecretBox('k'.repeat(40));
    const secret = generateSigningSecret();
    const sealed = box.seal(secret);
    expect(sealed).not.toContain(secret.slice(6));
    expect(box.seal(secret)).not.toBe(sealed);
    expect(box.open(sealed)).toBe(secret);
    expect(() => new SecretBox('j'.repeat(40)).open(sealed)).toThrow();
  });
});
