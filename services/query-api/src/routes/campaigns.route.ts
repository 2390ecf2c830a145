/**
 * GET /v1/campaigns — the tenant's campaigns with headline KPIs: filter by channel and by first
 * event time (`from` inclusive, `to` exclusive), sort by any count or rate (`-` = descending, nulls
 * last), keyset cursor paging.
 * GET /v1/campaigns/:id/kpis?window=all|5m|15m|1h|24h&channel=&segment=&variant= — counts, rates,
 * money and the other KPIs of one campaign; rolling windows are first-occurrences by event time at
 * minute resolution. The channel/segment/variant filters select send tuples and so apply to the
 * message counts and rates, lifetime or of the window (per-tuple minute buckets); the money,
 * response-time, engagement, satisfaction and adoption figures are null (not kept per tuple).
 * GET /v1/campaigns/:id/breakdown?by=… — message counts and rates per dimension value.
 * Another tenant's campaign and an unknown one are both 404: keys are tenant-scoped, so there is
 * nothing to find. While the aggregator rebuilds a lost Redis every route answers 503 `rebuilding`.
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { BREAKDOWN_DIMENSIONS, listCampaigns, type TupleFilter } from '@tally/counters';
import { CHANNELS, idSchema } from '@tally/events';
import { tenantOf } from '@tally/http';
import { WINDOWS } from '@tally/kpi';
import { badParam } from '../bad-param.ts';
import { page, SORTS } from '../campaign-list.ts';
import type { QueryApiDeps } from '../deps.ts';
import { breakdownAnswer, kpiAnswer } from '../kpi-answers.ts';
import { kpiView } from '../kpi-view.ts';
import { whole } from '../read-guard.ts';
import {
  breakdownResponseSchema,
  campaignKpiSchema,
  errorSchema,
  isoTime,
  kpiResponseSchema,
} from '../schemas.ts';
import { tenantAuth } from '../tenant-auth.ts';
import { cursorParam, textParam } from '../text-limits.ts';

const listQuery = z.object({
  channel: z.enum(CHANNELS).optional(),
  from: isoTime.optional().describe('first event time at or after (ISO-8601)'),
  to: isoTime.optional().describe('first event time before (ISO-8601)'),
  sort: z.enum(SORTS).default('firstEventAt').describe('a count or rate name; leading "-" = descending'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: cursorParam(2000).optional().describe('nextCursor of the previous page'),
});

/**
 * Sends an answer already serialized against the route's response schema (kpi-answers.ts, kept by
 * answer-cache.ts): Fastify sends a string with a JSON content type as it is.
 */
function sendJson(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}

const kpiQuery = z.object({
  window: z.enum(WINDOWS).default('all'),
  channel: z.enum(CHANNELS).optional().describe('message counts of these sends only'),
  segment: textParam(200).optional().describe('message counts of these sends only'),
  variant: textParam(200).optional().describe('message counts of these sends only'),
});

export function campaignsRoutes(app: FastifyInstance, deps: QueryApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const auth = tenantAuth(deps);
  const common = { 400: errorSchema, 401: errorSchema, 429: errorSchema, 503: errorSchema };

  r.get(
    '/v1/campaigns',
    {
      onRequest: auth,
      schema: {
        summary: "The tenant's campaigns with headline KPIs: filter, sort, cursor paging",
        security: [{ apiKey: [] }],
        querystring: listQuery,
        response: {
          200: z.object({ campaigns: z.array(campaignKpiSchema), nextCursor: z.string().nullable() }),
          ...common,
        },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const { channel, from, to, sort, limit, cursor } = request.query;
      if (from && to && from > to) throw badParam('from', 'must not be after to');
      const now = new Date();
      const states = await whole(() => listCampaigns(deps.redis, deps.keys, tenant.id));
      const rows = states
        .filter((s) => !channel || s.channel === channel)
        .filter((s) => !from || (s.firstEventAt !== null && s.firstEventAt >= from.toISOString()))
        .filter((s) => !to || (s.firstEventAt !== null && s.firstEventAt < to.toISOString()))
        .map((s) => kpiView(s, 'all', now));
      const { items, nextCursor } = page(rows, sort, limit, cursor);
      return { campaigns: items, nextCursor };
    },
  );

  r.get(
    '/v1/campaigns/:id/kpis',
    {
      onRequest: auth,
      schema: {
        summary: "One campaign's KPIs, lifetime or of a rolling window, optionally of some sends only",
        security: [{ apiKey: [] }],
        params: z.object({ id: idSchema }),
        querystring: kpiQuery,
        response: { 200: kpiResponseSchema, 404: errorSchema, ...common },
      },
    },
    async (request, reply) => {
      const tenant = tenantOf(request);
      const { window, ...rest } = request.query;
      const filter: TupleFilter = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
      const id = request.params.id;
      const key = JSON.stringify([
        'kpis',
        tenant.id,
        id,
        window,
        filter.channel,
        filter.segment,
        filter.variant,
      ]);
      const body = await deps.answers.get(key, () => kpiAnswer(deps, tenant.id, id, window, filter));
      return sendJson(reply, body);
    },
  );

  r.get(
    '/v1/campaigns/:id/breakdown',
    {
      onRequest: auth,
      schema: {
        summary: "One campaign's message counts and rates per dimension value (lifetime)",
        security: [{ apiKey: [] }],
        params: z.object({ id: idSchema }),
        querystring: z.object({ by: z.enum(BREAKDOWN_DIMENSIONS) }),
        response: { 200: breakdownResponseSchema, 404: errorSchema, ...common },
      },
    },
    async (request, reply) => {
      const tenant = tenantOf(request);
      const { by } = request.query;
      const id = request.params.id;
      const key = JSON.stringify(['breakdown', tenant.id, id, by]);
      const body = await deps.answers.get(key, () => breakdownAnswer(deps, tenant.id, id, by));
      return sendJson(reply, body);
    },
  );
}
