/**
 * Tenant API keys: `Authorization: Bearer tly_…`. Sets `request.tenant`; a missing or unknown key
 * is a 401 and the route never runs. A client (clientKey of its IP) with too many failed lookups
 * is a 429 `rate_limited` with `Retry-After` until its budget refills (api-key-cache.ts).
 */
import type { FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';
import { AuthRateLimitedError, type ApiKeyResolver, type Tenant } from '@tally/db';
import { AppError } from './errors.ts';

/**
 * Whom failed authentications are counted against: the IPv4 address, or the /64 of an IPv6 one
 * (one subscriber's usual allocation, so rotating addresses within it does not reset the budget).
 */
export function clientKey(ip: string): string {
  try {
    const a = ipaddr.process(ip);
    if (a.kind() === 'ipv4') return a.toString();
    return `${ipaddr.IPv6.networkAddressFromCIDR(`${a.toString()}/64`).toString()}/64`;
  } catch {
    return ip;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    tenant?: Tenant;
  }
}

export function bearerAuth(resolver: ApiKeyResolver) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1]) throw new AppError('unauthorized', 'missing API key: send Authorization: Bearer <key>');
    let tenant: Tenant | undefined;
    try {
      tenant = await resolver.resolve(match[1], clientKey(request.ip));
    } catch (err) {
      if (!(err instanceof AuthRateLimitedError)) throw err;
      const seconds = Math.max(1, Math.ceil(err.retryAfterMs / 1000));
      throw new AppError(
        'rate_limited',
        `too many failed authentications; retry in ${seconds} s`,
        undefined,
        {
          'retry-after': String(seconds),
        },
      );
    }
    if (!tenant) throw new AppError('unauthorized', 'unknown or revoked API key');
    request.tenant = tenant;
  };
}

/** The authenticated tenant of a request that passed bearerAuth. */
export function tenantOf(request: FastifyRequest): Tenant {
  if (!request.tenant) throw new AppError('unauthorized', 'not authenticated');
  return request.tenant;
}
