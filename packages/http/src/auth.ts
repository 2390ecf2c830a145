/**
 * Tenant API keys: `Authorization: Bearer tly_…`. Sets `request.tenant`; a missing or unknown key
 * is a 401 and the route never runs.
 */
import type { FastifyRequest } from 'fastify';
import type { ApiKeyResolver, Tenant } from '@tally/db';
import { AppError } from './errors.ts';

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
    const tenant = await resolver.resolve(match[1]);
    if (!tenant) throw new AppError('unauthorized', 'unknown or revoked API key');
    request.tenant = tenant;
  };
}

/** The authenticated tenant of a request that passed bearerAuth. */
export function tenantOf(request: FastifyRequest): Tenant {
  if (!request.tenant) throw new AppError('unauthorized', 'not authenticated');
  return request.tenant;
}
