/**
 * GET /v1/send-time?channel=&metric=ctr|conversionRate|replyRate|openRate — the metric by hour of
 * week of the send (UTC; dayOfWeek 0 = Sunday) across all the tenant's campaigns, from the
 * breakdown tuples (lifetime message counts): per cell the successes (clicked / converted /
 * replied / opened messages), the trials (delivered messages), the rate and its Wilson 95%
 * interval; `best` = the 3 hours with the highest lower bound. A campaign's sends on a channel
 * that cannot report the metric (SMS without any open: @tally/kpi applicability.ts) are left out
 * of the cells rather than counted as 0 %, and the answer's `notReported` says so.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { BREAKDOWN_DIMENSIONS, readTenantTuples } from '@tally/counters';
import { CHANNELS } from '@tally/events';
import { tenantOf } from '@tally/http';
import {
  bestHours,
  hourRates,
  notReported,
  type CountName,
  type HourCell,
  type NotReported,
  type RateName,
} from '@tally/kpi';
import type { QueryApiDeps } from '../deps.ts';
import { heavy } from '../heavy-reads.ts';
import { whole } from '../read-guard.ts';
import { errorSchema, notReportedSchema } from '../schemas.ts';
import { tenantAuth } from '../tenant-auth.ts';

const SUCCESSES: Record<string, CountName> = {
  ctr: 'clicked',
  conversionRate: 'converted',
  replyRate: 'replied',
  openRate: 'opened',
};
const at = (dim: (typeof BREAKDOWN_DIMENSIONS)[number]) => BREAKDOWN_DIMENSIONS.indexOf(dim);

const cellSchema = z.object({
  dayOfWeek: z.number().int(),
  hour: z.number().int(),
  successes: z.number().int(),
  trials: z.number().int().describe('delivered messages sent in that hour'),
  rate: z.number().nullable(),
  interval: z.object({ lower: z.number(), upper: z.number() }).nullable().describe('Wilson 95%'),
});

export function sendTimeRoutes(app: FastifyInstance, deps: QueryApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/send-time',
    {
      onRequest: tenantAuth(deps),
      schema: {
        summary: 'A rate by hour of week of the send, across campaigns, with the best hours',
        security: [{ apiKey: [] }],
        querystring: z.object({
          channel: z.enum(CHANNELS).optional(),
          metric: z.enum(['ctr', 'conversionRate', 'replyRate', 'openRate']).default('ctr'),
        }),
        response: {
          200: z.object({
            metric: z.string(),
            channel: z.string().nullable(),
            cells: z.array(cellSchema).describe('168 cells, Sunday 00:00 UTC first'),
            best: z.array(cellSchema),
            notReported: notReportedSchema.describe(
              'the metric, when some campaigns’ sends could not report it and were left out of the cells',
            ),
            asOf: z.string(),
          }),
          ...Object.fromEntries([400, 401, 429, 503].map((s) => [s, errorSchema])),
        },
      },
    },
    heavy(deps, async (request) => {
      const tenant = tenantOf(request);
      const { channel, metric } = request.query;
      const success = SUCCESSES[metric] ?? 'clicked';
      const cells: HourCell[] = Array.from({ length: 168 }, (_, i) => ({
        dayOfWeek: Math.floor(i / 24),
        hour: i % 24,
        successes: 0,
        trials: 0,
      }));
      const tuples = (await whole(() => readTenantTuples(deps.redis, deps.keys, tenant.id))).filter(
        (t) => !channel || t.tuple[at('channel')] === channel,
      );
      // a campaign's sends on one channel report the metric (by their lifetime opens), or are
      // left out of the cells (never 0 %)
      const opened = new Map<string, number>();
      const group = (t: (typeof tuples)[number]) => `${t.campaign}\u0000${t.tuple[at('channel')] ?? ''}`;
      for (const t of tuples) opened.set(group(t), (opened.get(group(t)) ?? 0) + t.counts.opened);
      const missing: NotReported = {};
      for (const t of tuples) {
        const reporting = { channel: t.tuple[at('channel')], opened: opened.get(group(t)) ?? 0 };
        const why = notReported(reporting)[metric as RateName];
        if (why !== undefined) {
          missing[metric as RateName] = why;
          continue;
        }
        const cell = cells[Number(t.tuple[at('day_of_week')]) * 24 + Number(t.tuple[at('hour_of_day')])];
        if (!cell) continue;
        cell.successes += t.counts[success];
        cell.trials += t.counts.delivered;
      }
      const rates = hourRates(cells);
      return {
        metric,
        channel: channel ?? null,
        cells: rates,
        best: bestHours(rates),
        notReported: missing,
        asOf: new Date().toISOString(),
      };
    }),
  );
}
