/**
 * GET /v1/alerts?state=firing|resolved — the tenant's alerts, newest first.
 * GET /v1/alerts/stream — server-sent events: one `transition` event per recorded transition
 * (fire, resolve, renotify), live, whichever replica evaluated it (Postgres LISTEN/NOTIFY).
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError, tenantOf } from '@tally/http';
import { tenantAuth } from '../tenant-auth.ts';
import { alertSchema } from '../alerts/api-schemas.ts';
import { listAlerts } from '../alerts/alerts-store.ts';
import type { QueryApiDeps } from '../deps.ts';
import { errorSchema } from '../schemas.ts';

const KEEPALIVE_MS = 15_000;

export function alertsRoutes(app: FastifyInstance, deps: QueryApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const auth = tenantAuth(deps);
  const common = { security: [{ apiKey: [] }], tags: ['alerts'] };

  r.get(
    '/v1/alerts',
    {
      onRequest: auth,
      schema: {
        ...common,
        summary: "The tenant's alerts, newest first",
        querystring: z.object({
          state: z.enum(['firing', 'resolved']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ alerts: z.array(alertSchema) }), 400: errorSchema, 401: errorSchema },
      },
    },
    async (request) => {
      const { state, limit } = request.query;
      return {
        alerts: await listAlerts(deps.pool, tenantOf(request).id, state ? { state, limit } : { limit }),
      };
    },
  );

  r.get(
    '/v1/alerts/stream',
    {
      onRequest: auth,
      schema: {
        ...common,
        summary: 'Alert transitions, live (text/event-stream)',
        response: { 401: errorSchema, 429: errorSchema },
      },
    },
    async (request, reply) => {
      const tenant = tenantOf(request);
      const max = deps.config.ALERT_STREAMS_PER_TENANT;
      const release = deps.streams.admit(tenant.id, reply.raw);
      if (!release)
        throw new AppError('too_many_streams', `at most ${max} alert streams per tenant at once`, undefined, {
          'retry-after': '30',
        });
      let unsubscribe: () => void;
      try {
        unsubscribe = await deps.alerting.hub.subscribe(tenant.id, (t) => {
          reply.raw.write(`id: ${t.transitionId}\nevent: transition\ndata: ${JSON.stringify(t)}\n\n`);
        });
      } catch (err) {
        release();
        throw err;
      }
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-request-id': request.id,
      });
      reply.raw.write(': subscribed\n\n');
      const keepalive = setInterval(() => reply.raw.write(': keepalive\n\n'), KEEPALIVE_MS);
      const cleanup = () => {
        clearInterval(keepalive);
        unsubscribe();
        release();
      };
      reply.raw.on('close', cleanup);
      if (reply.raw.destroyed) cleanup(); // the client left while we subscribed
    },
  );
}
