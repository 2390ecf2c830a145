/**
 * Tenant API key check followed by the per-tenant rate limit: a fixed one-minute window counted
 * in Redis (shared by every replica). Over the limit → 429 `rate_limited` with `Retry-After`.
 * When Redis is unreachable the request is let through (the route itself will answer 503 if it
 * needs Redis): a limiter must not become an outage of its own.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, bearerAuth } from '@tally/http';
import type { QueryApiDeps } from './deps.ts';

export function tenantAuth(deps: QueryApiDeps) {
  const auth = bearerAuth(deps.apiKeys);
  const limit = deps.config.RATE_LIMIT_PER_MINUTE;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    await auth(request);
    const tenant = request.tenant?.id;
    if (!tenant) return;
    const now = Date.now();
    const minute = Math.floor(now / 60_000);
    const key = deps.keys.rateLimit(tenant, minute);
    let used: number;
    try {
      const res = await deps.redis.multi().incr(key).pexpire(key, 120_000).exec();
      used = Number(res?.[0]?.[1] ?? 0);
    } catch (err) {
      request.log.warn({ err: (err as Error).message }, 'rate_limit_unavailable');
      return;
    }
    const reset = (minute + 1) * 60_000;
    reply.header('x-ratelimit-limit', limit);
    reply.header('x-ratelimit-remaining', Math.max(0, limit - used));
    if (used > limit) {
      reply.header('retry-after', Math.ceil((reset - now) / 1000));
      throw new AppError(
        'rate_limited',
        `rate limit of ${limit} requests per minute exceeded; retry after the minute ends`,
      );
    }
  };
}
