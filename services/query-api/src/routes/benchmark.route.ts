/**
 * GET /v1/campaigns/:id/benchmark?previous=N — each rate of the campaign (lifetime) beside the
 * median, p25 and p75 of the tenant's previous N campaigns on the same channel (ordered by first
 * event time), with delta (value − median) and percentile rank, plus the early-read curve
 * (+15 min, +1 h, +24 h after the first event). See benchmark.ts and @tally/kpi distribution.ts.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { idSchema } from '@tally/events';
import { AppError, tenantOf } from '@tally/http';
import { campaignBenchmark } from '../benchmark.ts';
import type { QueryApiDeps } from '../deps.ts';
import { heavy } from '../heavy-reads.ts';
import { countsSchema, errorSchema, notReportedSchema, ratesSchema } from '../schemas.ts';
import { tenantAuth } from '../tenant-auth.ts';

const benchmarkSchema = z.object({
  value: z.number().nullable(),
  median: z.number().nullable(),
  p25: z.number().nullable(),
  p75: z.number().nullable(),
  delta: z.number().nullable(),
  percentileRank: z.number().nullable().describe('0–100: share of previous below, half of those equal'),
  sampleSize: z.number().int().describe('previous campaigns with a value (non-empty denominator)'),
});
const perRate = z.record(z.string(), benchmarkSchema);

export function benchmarkRoutes(app: FastifyInstance, deps: QueryApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/campaigns/:id/benchmark',
    {
      onRequest: tenantAuth(deps),
      schema: {
        summary: 'A campaign against the previous N campaigns on its channel, and its early reads',
        security: [{ apiKey: [] }],
        params: z.object({ id: idSchema }),
        querystring: z.object({ previous: z.coerce.number().int().min(1).max(50).default(10) }),
        response: {
          200: z.object({
            campaignId: z.string(),
            channel: z.string().nullable(),
            previous: z.array(z.object({ campaignId: z.string(), firstEventAt: z.string().nullable() })),
            notReported: notReportedSchema,
            counts: countsSchema.describe("the campaign's lifetime counts: the sample of each value"),
            kpis: perRate,
            earlyRead: z.array(
              z.object({
                at: z.enum(['15m', '1h', '24h']),
                complete: z.boolean().describe('false while that much time has not yet passed'),
                counts: countsSchema,
                rates: ratesSchema,
                notReported: notReportedSchema,
                benchmark: perRate.describe('against previous campaigns whose point has passed'),
              }),
            ),
            asOf: z.string(),
          }),
          ...Object.fromEntries([400, 401, 404, 429, 503].map((s) => [s, errorSchema])),
        },
      },
    },
    heavy(deps, async (request) => {
      const tenant = tenantOf(request);
      const id = request.params.id;
      const out = await campaignBenchmark(deps, tenant.id, id, request.query.previous, Date.now());
      if (!out) throw new AppError('not_found', `no campaign ${id}`);
      return out;
    }),
  );
}
