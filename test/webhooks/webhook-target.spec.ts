import { describe, expect, it } from 'vitest';
import { isBlockedAddress, parseTargetUrl, resolveTarget, type Resolver } from '../../src/webhooks/webhook-target.js';

const resolvesTo = (...addresses: string[]): Resolver => () =>
  Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

describe('webhook target checks', () => {
  it.each([
    '127.0.0.1', '127.8.9.10', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '169.254.1.1', '100.64.0.1',
    '0.0.0.0', '224.0.0.1', '255.255.255.255', '192.0.2.1', '::1', '::', 'fe80::1', 'fd00:ec2::254', 'fc00::1',
    'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::7f00:1', '2002:7f00:1::1', 'not-an-ip',
    '::127.0.0.1', '::7f00:1', '::10.0.0.1', '::8.8.8.8', '64:ff9b:1::a00:1', '2002:a00:1::1', '2001:0:4136:e378::1',
    '::ffff:0:7f00:1',
  ])('refuses %s', (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '203.0.114.7', '2606:4700::1111', '::ffff:8.8.8.8'])('accepts public %s', (address) => {
    expect(isBlockedAddress(address)).toBe(false);
  });

  it('requires https unless private targets are allowed, and refuses credentials in the URL', () => {
    expect(() => parseTargetUrl('http://example.com/hook', false)).toThrow(/https/);
    expect(parseTargetUrl('http://example.com/hook', true).hostname).toBe('example.com');
    expect(() => parseTargetUrl('https://a:b@example.com/', true)).toThrow(/credentials/);
    expect(() => parseTargetUrl('file:///etc/passwd', true)).toThrow();
    expect(() => parseTargetUrl('/relative', true)).toThrow(/absolute/);
  });

  it('refuses a host when any of its addresses is private, and pins the connection to a checked address', async () => {
    await expect(resolveTarget('https://hooks.example.com/x', false, resolvesTo('93.184.215.14', '10.1.2.3'))).rejects.toThrow(/10\.1\.2\.3/);
    await expect(resolveTarget('https://[::1]/x', false, resolvesTo())).rejects.toThrow(/private/);
    await expect(resolveTarget('https://2130706433/x', false, resolvesTo())).rejects.toThrow(/127\.0\.0\.1/);
    await expect(resolveTarget('https://nowhere.invalid/x', false, () => Promise.reject(new Error('ENOTFOUND')))).rejects.toThrow(/resolved/);
    const target = await resolveTarget('https://hooks.example.com/x', false, resolvesTo('93.184.215.14'));
    expect(target).toMatchObject({ address: '93.184.215.14', family: 4 });
    const allowed = await resolveTarget('http://localhost:8080/x', true, resolvesTo('127.0.0.1'));
    expect(allowed.address).toBe('127.0.0.1');
  });
});
