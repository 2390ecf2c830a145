/**
 * GET /v1/campaigns/:id/timeseries?metric=&bucket=1m|1h&from=&to= — first-occurrences of a count
 * per event-time bucket (see series.ts for where each minute is read). Defaults: from = the
 * campaign's first event, to = now. Every bucket in the range is listed, empty ones as 0. Events
 * later than a minute bucket's Redis TTL (25 h after their minute) count in lifetime totals only.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { idSchema } from '@tally/events';
import { AppError, tenantOf } from '@tally/http';
import { COUNT_NAMES } from '@tally/kpi';
import { readCampaign } from '@tally/counters';
import { badParam } from '../bad-param.ts';
import type { QueryApiDeps } from '../deps.ts';
import { whole } from '../read-guard.ts';
import { errorSchema, isoTime } from '../schemas.ts';
import { BUCKET_MINUTES, readSeries } from '../series.ts';
import { tenantAuth } from '../tenant-auth.ts';

const MAX_POINTS = 10_080;

export function timeseriesRoutes(app: FastifyInstance, deps: QueryApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/campaigns/:id/timeseries',
    {
      onRequest: tenantAuth(deps),
      schema: {
        summary: 'A count of one campaign per minute or hour of event time',
        security: [{ apiKey: [] }],
        params: z.object({ id: idSchema }),
        querystring: z.object({
          metric: z.enum(COUNT_NAMES),
          bucket: z.enum(['1m', '1h']).default('1h'),
          from: isoTime.optional().describe('default: the campaign’s first event'),
          to: isoTime.optional().describe('default: now'),
        }),
        response: {
          200: z.object({
            campaignId: z.string(),
            metric: z.string(),
            bucket: z.string(),
            from: z.string(),
            to: z.string(),
            points: z.array(z.object({ t: z.string(), value: z.number().int() })),
            total: z.number().int(),
            asOf: z.string(),
          }),
          ...Object.fromEntries([400, 401, 404, 429, 503].map((s) => [s, errorSchema])),
        },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const { metric, bucket } = request.query;
      const id = request.params.id;
      const now = Date.now();
      const size = BUCKET_MINUTES[bucket];
      const campaign = await whole(() => readCampaign(deps.redis, deps.keys, tenant.id, id));
      if (!campaign) throw new AppError('not_found', `no campaign ${id}`);
      const fromMs =
        request.query.from?.getTime() ?? Date.parse(campaign.firstEventAt ?? new Date(now).toISOString());
      const toMs = request.query.to?.getTime() ?? now;
      if (fromMs > toMs) throw badParam('from', 'must not be after to');
      const align = (ms: number) => Math.floor(ms / 60_000 / size) * size;
      const fromMinute = align(fromMs);
      const toMinute = align(toMs);
      if ((toMinute - fromMinute) / size + 1 > MAX_POINTS)
        throw badParam('from', `range too long: at most ${MAX_POINTS} buckets of ${bucket}`);
      const series = await readSeries(deps, {
        tenant: tenant.id,
        campaign: id,
        metrics: [metric],
        fromMinute,
        toMinute,
        bucket,
        nowMs: now,
      });
      if (!series) throw new AppError('not_found', `no campaign ${id}`);
      const points = [];
      let total = 0;
      for (let m = fromMinute; m <= toMinute; m += size) {
        const value = series.get(m)?.[metric] ?? 0;
        total += value;
        points.push({ t: new Date(m * 60_000).toISOString(), value });
      }
      return {
        campaignId: id,
        metric,
        bucket,
        from: new Date(fromMinute * 60_000).toISOString(),
        to: new Date(toMinute * 60_000).toISOString(),
        points,
        total,
        asOf: new Date(now).toISOString(),
      };
    },
  );
}
