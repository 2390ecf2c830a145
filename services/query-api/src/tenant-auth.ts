/**
 * Tenant API key check followed by the per-tenant rate limit: a fixed one-minute window shared by
 * every replica (rate-limiter.ts: counted here, synced to Redis in batches, so a request waits on
 * no Redis round trip). Over the limit → 429 `rate_limited` with `Retry-After`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, bearerAuth } from '@tally/http';
import type { QueryApiDeps } from './deps.ts';

export function tenantAuth(deps: QueryApiDeps) {
  const auth = bearerAuth(deps.apiKeys);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    await auth(request);
    const tenant = request.tenant?.id;
    if (!tenant) return;
    const now = Date.now();
    const { limit, used, resetAt } = deps.rateLimiter.hit(tenant, now);
    reply.header('x-ratelimit-limit', limit);
    reply.header('x-ratelimit-remaining', Math.max(0, limit - used));
    if (used > limit) {
      reply.header('retry-after', Math.ceil((resetAt - now) / 1000));
      throw new AppError(
        'rate_limited',
        `rate limit of ${limit} requests per minute exceeded; retry after the minute ends`,
      );
    }
  };
}
