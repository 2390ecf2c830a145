import { describe, expect, it } from 'vitest';
import { assertPublicUrl, isPrivateAddress } from './url-guard.ts';

describe('isPrivateAddress', () => {
  it.each([
    // IPv4: only ipaddr.js `unicast` is public
    ['8.8.8.8', false],
    ['93.184.216.34', false],
    ['1.1.1.1', false],
    ['172.32.0.1', false],
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['0.1.2.3', true],
    ['255.255.255.255', true],
    ['224.0.0.1', true],
    ['240.0.0.1', true],
    ['192.0.0.8', true],
    ['192.0.2.1', true],
    ['198.18.0.1', true],
    ['198.51.100.7', true],
    ['203.0.113.9', true],
    ['192.88.99.1', true],
    // IPv6: global unicast only
    ['2606:4700::1111', false],
    ['2a00:1450:4001:81c::200e', false],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fe80::1%eth0', true],
    ['fd12:3456::1', true],
    ['fc00::1', true],
    ['fec0::1', true],
    ['ff02::1', true],
    ['100::1', true],
    ['2001:db8::1', true],
    ['2001:2::1', true],
    ['2001:10::1', true],
    ['3fff::1', true],
    ['5f00::1', true],
    // IPv4-compatible (deprecated, ::/96): never global, whatever it embeds
    ['::127.0.0.1', true],
    ['::7f00:1', true],
    ['::8.8.8.8', true],
    // IPv4-mapped and SIIT: as public as the embedded address
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:10.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['::ffff:0:127.0.0.1', true],
    ['::ffff:0:8.8.8.8', false],
    // NAT64 (RFC 6052 well-known prefix) and the local-use prefix (RFC 8215)
    ['64:ff9b::127.0.0.1', true],
    ['64:ff9b::a9fe:a9fe', true],
    ['64:ff9b::8.8.8.8', false],
    ['64:ff9b:1::8.8.8.8', true],
    // 6to4: 2002:<v4>::/48
    ['2002:7f00:1::1', true],
    ['2002:a00:1::', true],
    ['2002:a9fe:a9fe::1', true],
    ['2002:808:808::1', false],
    // Teredo: 2001:0:<server v4>:<flags>:<port>:<client v4 inverted>
    ['2001:0:808:808::fefe:fefe', false],
    ['2001:0:808:808::80ff:fffe', true],
    ['2001:0:7f00:1::fefe:fefe', true],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', true],
    // not addresses
    ['not-an-ip', true],
    ['', true],
    ['0x7f.1', true],
    ['127.1', true],
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
    'http://[::127.0.0.1]/hook',
    'http://[::ffff:7f00:1]/hook',
    'http://[64:ff9b::127.0.0.1]/hook',
    'http://[64:ff9b::a9fe:a9fe]/latest/meta-data',
    'http://[2002:7f00:1::]/hook',
    'http://[2001:0:808:808::80ff:fffe]/hook',
    'http://0x7f000001/hook',
    'http://2130706433/hook',
    'http://127.1/hook',
    'http://localhost:8080/hook',
  ])('refuses %s', async (url) => {
    await expect(assertPublicUrl(url, false)).rejects.toThrow(/address|resolve/);
  });
  it('refuses non-http schemes even when private URLs are allowed', async () => {
    await expect(assertPublicUrl('ftp://example.com/x', true)).rejects.toThrow(/http/);
  });
  it('allows public IP literals, and anything when allowed', async () => {
    await expect(assertPublicUrl('https://8.8.8.8/hook', false)).resolves.toBeUndefined();
    await expect(assertPublicUrl('https://[2606:4700::1111]/hook', false)).resolves.toBeUndefined();
    await expect(assertPublicUrl('https://[64:ff9b::808:808]/hook', false)).resolves.toBeUndefined();
    await expect(assertPublicUrl('http://127.0.0.1:1/hook', true)).resolves.toBeUndefined();
  });
});
