/**
 * Notification URLs must not reach loopback, private, link-local or other internal addresses
 * (SSRF): checked when a channel is created and again at send time, on the very addresses the
 * request connects to (a lookup hook), so a DNS answer that changes after creation cannot point
 * a webhook at the metadata service. `allowPrivate` (ALERTS_ALLOW_PRIVATE_URLS) turns it off for
 * tests and closed networks.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * IPv6 ranges that carry an IPv4 address: where a connection to them ends up is that address
 * (mapped and SIIT addresses on a dual-stack socket, NAT64 through the gateway, 6to4 and Teredo
 * through their relays), so each is as public as the IPv4 address(es) inside it.
 */
function embeddedIPv4(a: ipaddr.IPv6, range: string): ipaddr.IPv4[] | undefined {
  const p = a.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const at = (i: number) => p[i] ?? 0;
  switch (range) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d
      return [v4(at(6), at(7))];
    case 'rfc6052': // 64:ff9b::a.b.c.d; the local-use 64:ff9b:1::/48 reaches whatever the operator maps
      return at(2) === 0 && at(3) === 0 && at(4) === 0 && at(5) === 0 ? [v4(at(6), at(7))] : [];
    case '6to4': // 2002:aabb:ccdd::/48
      return [v4(at(1), at(2))];
    case 'teredo': // 2001:0:<server v4>:<flags>:<port>:<client v4, inverted>
      return [v4(at(2), at(3)), v4(~at(6) & 0xffff, ~at(7) & 0xffff)];
    default:
      return undefined;
  }
}

/** The global unicast space (RFC 4291 §2.4): nothing outside it is routable on the Internet. */
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');

function isPublicIPv4(a: ipaddr.IPv4): boolean {
  return a.range() === 'unicast';
}

function isPublicIPv6(a: ipaddr.IPv6): boolean {
  const range = a.range();
  const embedded = embeddedIPv4(a, range);
  if (embedded) return embedded.length > 0 && embedded.every(isPublicIPv4);
  // IPv4-compatible ::a.b.c.d and the rest of ::/8 are 'unicast' to ipaddr.js but not global
  return range === 'unicast' && a.match(GLOBAL_UNICAST);
}

export class UrlNotAllowedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UrlNotAllowedError';
  }
}

/**
 * `::a.b.c.d` to `::xxxx:yyyy`: ipaddr.js reads any dotted tail as IPv4-mapped (`::ffff:a.b.c.d`),
 * while the socket reads `::a.b.c.d` as IPv4-compatible, a different address.
 */
function dottedTailToHex(address: string): string {
  return address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a: string, b: string, c: string, d: string) => {
    const hex = (hi: string, lo: string) => ((Number(hi) << 8) | Number(lo)).toString(16);
    return `${hex(a, b)}:${hex(c, d)}`;
  });
}

/**
 * True for addresses a notification must never be sent to: everything but public unicast
 * (ipaddr.js `range()` is `unicast`; for IPv6 also inside 2000::/3, and an embedded IPv4 address
 * must be public too). Anything that is not an IP address is refused.
 */
export function isPrivateAddress(address: string): boolean {
  // node:net's parser is the one the socket uses; ipaddr.js would also accept forms like 0x7f.1
  const family = isIP(address);
  if (family === 0) return true;
  try {
    const a = ipaddr.parse(family === 6 ? dottedTailToHex(address) : address);
    return a.kind() === 'ipv4' ? !isPublicIPv4(a as ipaddr.IPv4) : !isPublicIPv6(a as ipaddr.IPv6);
  } catch {
    return true;
  }
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Resolves the URL's host and refuses it when any address is internal (or it does not resolve). */
export async function assertPublicUrl(raw: string, allowPrivate: boolean): Promise<void> {
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UrlNotAllowedError('only http and https URLs are allowed');
  }
  if (allowPrivate) return;
  const host = hostOf(url);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      throw new UrlNotAllowedError(`host ${host} does not resolve`);
    }
  }
  if (addresses.length === 0 || addresses.some(isPrivateAddress)) {
    throw new UrlNotAllowedError(`${host} resolves to a loopback, private or link-local address`);
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A `lookup` for http.request that fails the connection when the host resolves to an internal address. */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true, verbatim: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(new UrlNotAllowedError(`${hostname} resolves to an internal address`), []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(new UrlNotAllowedError(`${hostname} does not resolve`), []);
    callback(null, first.address, first.family);
  });
}
