/**
 * GET /v1/campaigns — the tenant's campaigns with headline KPIs.
 * GET /v1/campaigns/:id/kpis?window=all|5m|15m|1h|24h — counts, rates, money and the other KPIs of
 * one campaign; rolling windows are first-occurrences by event time at minute resolution.
 * GET /v1/campaigns/:id/breakdown?by=… — message counts and rates per dimension value.
 * Another tenant's campaign and an unknown one are both 404: keys are tenant-scoped, so there is
 * nothing to find. While the aggregator rebuilds a lost Redis every route answers 503 `rebuilding`.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  BREAKDOWN_DIMENSIONS,
  listCampaigns,
  readBreakdown,
  readCampaign,
  readCampaignWindow,
  RebuildingError,
} from '@tally/counters';
import { idSchema } from '@tally/events';
import { AppError, bearerAuth, tenantOf } from '@tally/http';
import { computeRates, WINDOWS } from '@tally/kpi';
import type { QueryApiDeps } from '../deps.ts';
import { kpiView } from '../kpi-view.ts';
import { breakdownResponseSchema, errorSchema, kpiResponseSchema } from '../schemas.ts';

/** Runs a read, turning a state under rebuild into 503 `rebuilding`. */
async function whole<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof RebuildingError) throw new AppError('rebuilding', err.message);
    throw err;
  }
}

export function campaignsRoutes(app: FastifyInstance, deps: QueryApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const auth = bearerAuth(deps.apiKeys);
  const unavailable = { 503: errorSchema };

  r.get(
    '/v1/campaigns',
    {
      onRequest: auth,
      schema: {
        summary: "The tenant's campaigns with headline KPIs",
        security: [{ apiKey: [] }],
        querystring: z.object({ channel: z.enum(['sms', 'whatsapp', 'push', 'in_app']).optional() }),
        response: {
          200: z.object({ campaigns: z.array(kpiResponseSchema) }),
          401: errorSchema,
          ...unavailable,
        },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const now = new Date();
      const states = await whole(() => listCampaigns(deps.redis, deps.keys, tenant.id));
      return {
        campaigns: states
          .filter((s) => !request.query.channel || s.channel === request.query.channel)
          .map((s) => kpiView(s, 'all', now)),
      };
    },
  );

  r.get(
    '/v1/campaigns/:id/kpis',
    {
      onRequest: auth,
      schema: {
        summary: "One campaign's KPIs",
        security: [{ apiKey: [] }],
        params: z.object({ id: idSchema }),
        querystring: z.object({ window: z.enum(WINDOWS).default('all') }),
        response: {
          200: kpiResponseSchema,
          400: errorSchema,
          401: errorSchema,
          404: errorSchema,
          ...unavailable,
        },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const { window } = request.query;
      const now = new Date();
      const state = await whole(() =>
        window === 'all'
          ? readCampaign(deps.redis, deps.keys, tenant.id, request.params.id)
          : readCampaignWindow(deps.redis, deps.keys, tenant.id, request.params.id, window, now.getTime()),
      );
      if (!state) throw new AppError('not_found', `no campaign ${request.params.id}`);
      return kpiView(state, window, now);
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
        response: {
          200: breakdownResponseSchema,
          400: errorSchema,
          401: errorSchema,
          404: errorSchema,
          ...unavailable,
        },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const { by } = request.query;
      const groups = await whole(() =>
        readBreakdown(deps.redis, deps.keys, tenant.id, request.params.id, by),
      );
      if (!groups) throw new AppError('not_found', `no campaign ${request.params.id}`);
      return {
        campaignId: request.params.id,
        by,
        groups: [...groups.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([value, counts]) => ({ value, counts, rates: computeRates(counts) })),
        asOf: new Date().toISOString(),
      };
    },
  );
}
