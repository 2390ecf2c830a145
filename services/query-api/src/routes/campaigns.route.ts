/**
 * GET /v1/campaigns — the tenant's campaigns with headline KPIs.
 * GET /v1/campaigns/:id/kpis?window=all — counts, rates and money of one campaign. Another
 * tenant's campaign and an unknown one are both 404: keys are tenant-scoped, so there is nothing
 * to find.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { listCampaigns, readCampaign } from '@tally/counters';
import { idSchema } from '@tally/events';
import { AppError, bearerAuth, tenantOf } from '@tally/http';
import type { QueryApiDeps } from '../deps.ts';
import { kpiView } from '../kpi-view.ts';
import { errorSchema, kpiResponseSchema } from '../schemas.ts';

export function campaignsRoutes(app: FastifyInstance, deps: QueryApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const auth = bearerAuth(deps.apiKeys);

  r.get(
    '/v1/campaigns',
    {
      onRequest: auth,
      schema: {
        summary: "The tenant's campaigns with headline KPIs",
        security: [{ apiKey: [] }],
        querystring: z.object({ channel: z.enum(['sms', 'whatsapp', 'push', 'in_app']).optional() }),
        response: { 200: z.object({ campaigns: z.array(kpiResponseSchema) }), 401: errorSchema },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const now = new Date();
      const states = await listCampaigns(deps.redis, deps.keys, tenant.id);
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
        querystring: z.object({ window: z.enum(['all']).default('all') }),
        response: { 200: kpiResponseSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const state = await readCampaign(deps.redis, deps.keys, tenant.id, request.params.id);
      if (!state) throw new AppError('not_found', `no campaign ${request.params.id}`);
      return kpiView(state, request.query.window, new Date());
    },
  );
}
