import { describe, expect, it } from 'vitest';
import { assertPublicUrl, isPrivateAddress } from './url-guard.ts';

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['8.8.8.8', false],
    ['93.184.216.34', false],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fd12:3456::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:10.0.0.1', true],
    ['2606:4700::1111', false],
    ['not-an-ip', true],
  ])('%s → %s', (ip, want) => {
    expect(isPrivateAddress(ip)).toBe(want);
  });
});

describe('assertPublicUrl', () => {
  it.each([
    'http://127.0.0.1:8080/hook',
    'http://[::1]/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://10.0.0.5/x',
  ])('refuses %s', async (url) => {
    await expect(assertPublicUrl(url, false)).rejects.toThrow(/address|resolve/);
  });
  it('refuses non-http schemes even when private URLs are allowed', async () => {
    await expect(assertPublicUrl('ftp://example.com/x', true)).rejects.toThrow(/http/);
  });
  it('allows a public IP literal, and anything when allowed', async () => {
    await expect(assertPublicUrl('https://8.8.8.8/hook', false)).resolves.toBeUndefined();
    await expect(assertPublicUrl('http://127.0.0.1:1/hook', true)).resolves.toBeUndefined();
  });
});
