/**
 * GET /v1/campaigns/stream?ids=a,b,c — server-sent events: the headline figures (the campaign
 * list's row, `campaignKpiSchema`) of up to 50 campaigns, pushed when they change. One stream per
 * dashboard tab replaces polling the list and the KPIs: the replica reads the campaigns' state
 * every `CAMPAIGN_STREAM_TICK_MS` and writes an event `figures` `{ campaigns: [...] }` with the
 * campaigns whose figures changed since the last event (all of them on connect); an idle campaign
 * costs its readers nothing on the wire. Unknown campaigns (and another tenant's) are left out.
 * The streams share the alert streams' per-tenant cap (`ALERT_STREAMS_PER_TENANT`, its own count).
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { readCampaign } from '@tally/counters';
import { idSchema } from '@tally/events';
import { AppError, tenantOf } from '@tally/http';
import { badParam } from '../bad-param.ts';
import type { QueryApiDeps } from '../deps.ts';
import { kpiView } from '../kpi-view.ts';
import { whole } from '../read-guard.ts';
import { campaignKpiSchema, errorSchema } from '../schemas.ts';
import { tenantAuth } from '../tenant-auth.ts';

export const CAMPAIGN_STREAM_TICK_MS = 1000;
export const CAMPAIGN_STREAM_MAX_IDS = 50;
const KEEPALIVE_MS = 15_000;

/** The part of a figure that says whether it changed (asOf moves every read). */
export function figureKey(f: { asOf?: string }): string {
  const { asOf: _asOf, ...rest } = f;
  return JSON.stringify(rest);
}

export function campaignStreamRoutes(app: FastifyInstance, deps: QueryApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/campaigns/stream',
    {
      onRequest: tenantAuth(deps),
      schema: {
        summary: "Campaigns' headline figures, pushed when they change (text/event-stream)",
        security: [{ apiKey: [] }],
        querystring: z.object({
          ids: z
            .string()
            .min(1)
            .max(12_000)
            .describe(`comma-separated campaign ids, at most ${CAMPAIGN_STREAM_MAX_IDS}`),
        }),
        response: { 400: errorSchema, 401: errorSchema, 429: errorSchema },
      },
    },
    async (request, reply) => {
      const tenant = tenantOf(request);
      const ids = [...new Set(request.query.ids.split(','))];
      if (ids.length > CAMPAIGN_STREAM_MAX_IDS)
        throw badParam('ids', `at most ${CAMPAIGN_STREAM_MAX_IDS} campaigns`);
      for (const id of ids) if (!idSchema.safeParse(id).success) throw badParam('ids', 'not a campaign id');
      const release = deps.figureStreams.admit(tenant.id, reply.raw);
      if (!release)
        throw new AppError(
          'too_many_streams',
          `at most ${deps.config.ALERT_STREAMS_PER_TENANT} campaign streams per tenant at once`,
          undefined,
          { 'retry-after': '30' },
        );
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-request-id': request.id,
      });
      reply.raw.write(': subscribed\n\n');
      const sent = new Map<string, string>();
      let closed = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tick = async () => {
        if (closed) return;
        try {
          const now = new Date();
          const states = await Promise.all(
            ids.map((id) => whole(() => readCampaign(deps.redis, deps.keys, tenant.id, id))),
          );
          const changed = [];
          for (const s of states) {
            if (!s) continue;
            const figure = campaignKpiSchema.parse(kpiView(s, 'all', now));
            const key = figureKey(figure);
            if (sent.get(s.campaignId) === key) continue;
            sent.set(s.campaignId, key);
            changed.push(figure);
          }
          if (changed.length > 0 && !closed)
            reply.raw.write(`event: figures\ndata: ${JSON.stringify({ campaigns: changed })}\n\n`);
        } catch (err) {
          // a rebuilding or unreachable Redis: the next tick tries again; the stream stays open
          request.log.debug({ err: (err as Error).message }, 'campaign_stream_read_failed');
        }
        if (!closed) timer = setTimeout(() => void tick(), CAMPAIGN_STREAM_TICK_MS);
      };
      const keepalive = setInterval(() => reply.raw.write(': keepalive\n\n'), KEEPALIVE_MS);
      const cleanup = () => {
        closed = true;
        clearTimeout(timer);
        clearInterval(keepalive);
        release();
      };
      reply.raw.on('close', cleanup);
      if (reply.raw.destroyed) cleanup();
      else void tick();
    },
  );
}
