/**
 * GET /v1/send-time?channel=&metric=ctr|conversionRate|replyRate|openRate — the metric by hour of
 * week of the send (UTC; dayOfWeek 0 = Sunday) across all the tenant's campaigns, from the
 * breakdown tuples (lifetime message counts): per cell the successes (clicked / converted /
 * replied / opened messages), the trials (delivered messages), the rate and its Wilson 95%
 * interval; `best` = the 3 hours with the highest lower bound. A campaign's sends on a channel
 * that cannot report the metric (SMS without any open: @tally/kpi applicability.ts) are left out
 * of the cells rather than counted as 0 %, and the answer's `notReported` says so.
 * `comparison` (issue 21): the best hour against the hour the campaign `campaignId` was sent at
 * (most of its sends; without `campaignId`, the tenant's most used hour), by the always-valid
 * interval at the tenant's level — observational: the two hours hold different sends.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { BREAKDOWN_DIMENSIONS, readSendHours, readTenantTuples } from '@tally/counters';
import { getExperimentSettings } from '@tally/db';
import { CHANNELS, idSchema } from '@tally/events';
import { AppError, tenantOf } from '@tally/http';
import {
  bestHours,
  compareSendHours,
  hourRates,
  notReported,
  usualHour,
  type CountName,
  type HourCell,
  type NotReported,
  type RateName,
} from '@tally/kpi';
import { comparisonSchema } from '../experiment-schemas.ts';
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

const hourSchema = z.object({
  dayOfWeek: z.number().int(),
  hour: z.number().int(),
  successes: z.number().int(),
  trials: z.number().int(),
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
          campaignId: idSchema
            .optional()
            .describe('compare the best hour with the hour this campaign was sent at'),
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
            comparison: z
              .object({
                campaignId: z.string().nullable(),
                level: z.number().describe("the tenant's confidence level"),
                actual: hourSchema.describe(
                  "the hour it was sent at (most sends); the tenant's usual without campaignId",
                ),
                best: hourSchema,
                comparison: comparisonSchema
                  .nullable()
                  .describe('best hour against actual: always-valid interval'),
                reason: z.string().nullable(),
              })
              .nullable()
              .describe('null while nothing was sent'),
            asOf: z.string(),
          }),
          ...Object.fromEntries([400, 401, 404, 429, 503].map((s) => [s, errorSchema])),
        },
      },
    },
    heavy(deps, async (request) => {
      const tenant = tenantOf(request);
      const { channel, metric, campaignId } = request.query;
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
      const best = bestHours(rates);
      let sent: Map<number, number> | undefined;
      if (campaignId !== undefined) {
        sent = await whole(() => readSendHours(deps.redis, deps.keys, tenant.id, campaignId));
        if (!sent) throw new AppError('not_found', `no campaign ${campaignId}`);
      } else {
        sent = new Map();
        for (const t of tuples) {
          const cell = Number(t.tuple[at('day_of_week')]) * 24 + Number(t.tuple[at('hour_of_day')]);
          sent.set(cell, (sent.get(cell) ?? 0) + t.counts.sent);
        }
      }
      const actual = usualHour(sent);
      const level = (await getExperimentSettings(deps.pool, tenant.id)).level;
      const cmp =
        actual === undefined
          ? null
          : compareSendHours(rates, actual, best[0], { level, effect: 0.1, metric });
      return {
        metric,
        channel: channel ?? null,
        cells: rates,
        best,
        notReported: missing,
        comparison: cmp ? { campaignId: campaignId ?? null, level, ...cmp } : null,
        asOf: new Date().toISOString(),
      };
    }),
  );
}
