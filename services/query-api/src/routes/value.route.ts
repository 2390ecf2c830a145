/**
 * GET /v1/value?channel= — messaging-attributed value (messaging CLV) over the tenant's history:
 * revenue per currency of the tenant's campaigns (on the channel), per reached recipient, per
 * conversion and per converted message; and from per-recipient records (conversions and their
 * revenue, kept while the recipient is active within the aggregator's RECIPIENT_TTL_SECONDS),
 * revenue per converting recipient and the repeat-conversion rate (converting recipients with two
 * or more conversions). Recipient figures are as of the aggregator's last snapshot. Every
 * currency with a cost or a revenue is a key of every revenue map (0 where none: SPEC §5).
 * `globalControl` (issue 21, global-control-answer.ts): with a global control group set, what
 * messaging added — targeted recipients outside the group against those in it, with always-valid
 * intervals, and the incremental conversions and revenue.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { listCampaigns, moneyByKind } from '@tally/counters';
import { CHANNELS } from '@tally/events';
import { tenantOf } from '@tally/http';
import { ALL_SCOPE, moneyCurrencies, ratio, type MoneyByCurrency } from '@tally/kpi';
import { recipientValue } from '../audience-store.ts';
import type { QueryApiDeps } from '../deps.ts';
import { heavy } from '../heavy-reads.ts';
import { whole } from '../read-guard.ts';
import { globalControlAnswer, globalControlSchema } from '../global-control-answer.ts';
import { errorSchema } from '../schemas.ts';
import { tenantAuth } from '../tenant-auth.ts';

const perCurrency = z.record(z.string(), z.number().nullable());

function per(revenue: Record<string, number>, n: number): Record<string, number | null> {
  return Object.fromEntries(Object.entries(revenue).map(([cur, v]) => [cur, ratio(v, n)]));
}

/** `amounts` with a key for every currency of `currencies` (0 where it has none). */
function over(currencies: string[], amounts: MoneyByCurrency): MoneyByCurrency {
  return Object.fromEntries(currencies.map((c) => [c, amounts[c] ?? 0]));
}

export function valueRoutes(app: FastifyInstance, deps: QueryApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/value',
    {
      onRequest: tenantAuth(deps),
      schema: {
        summary: 'Messaging-attributed revenue per recipient and per conversion (lifetime)',
        security: [{ apiKey: [] }],
        querystring: z.object({ channel: z.enum(CHANNELS).optional() }),
        response: {
          200: z.object({
            channel: z.string().nullable(),
            campaigns: z.number().int(),
            revenue: z.record(z.string(), z.number()),
            reachedRecipients: z.number().int(),
            conversions: z.number().int(),
            convertedMessages: z.number().int(),
            revenuePerReachedRecipient: perCurrency,
            revenuePerConversion: perCurrency,
            convertingRecipients: z.number().int().describe('recipients with an attributed conversion'),
            repeatConverters: z.number().int().describe('of those, recipients with two or more'),
            convertingRecipientRevenue: z
              .record(z.string(), z.number())
              .describe('revenue of conversions with a known recipient'),
            revenuePerConvertingRecipient: perCurrency,
            repeatConversionRate: z.number().nullable().describe('repeatConverters / convertingRecipients'),
            globalControl: globalControlSchema.nullable(),
            asOf: z.string(),
          }),
          ...Object.fromEntries([400, 401, 429, 503].map((s) => [s, errorSchema])),
        },
      },
    },
    heavy(deps, async (request) => {
      const tenant = tenantOf(request);
      const channel = request.query.channel ?? null;
      const states = (await whole(() => listCampaigns(deps.redis, deps.keys, tenant.id))).filter(
        (s) => !channel || s.channel === channel,
      );
      const units: Record<string, number> = {};
      let conversions = 0;
      let converted = 0;
      for (const s of states) {
        for (const [k, v] of Object.entries(s.moneyUnits)) units[k] = (units[k] ?? 0) + v;
        conversions += s.counts.conversions;
        converted += s.counts.converted;
      }
      const rv = await recipientValue(deps.heavy.pool, tenant.id, channel ?? ALL_SCOPE);
      const cost = moneyByKind(units, 'cost');
      const currencies = moneyCurrencies(cost, moneyByKind(units, 'revenue'), rv.revenue);
      const revenue = over(currencies, moneyByKind(units, 'revenue'));
      const recipientRevenue = over(currencies, rv.revenue);
      const globalControl = await globalControlAnswer(deps, tenant.id, channel ? [channel] : CHANNELS);
      const reached = rv.reached;
      return {
        channel,
        campaigns: states.length,
        revenue,
        reachedRecipients: reached,
        conversions,
        convertedMessages: converted,
        revenuePerReachedRecipient: per(revenue, reached),
        revenuePerConversion: per(revenue, conversions),
        convertingRecipients: rv.converting,
        repeatConverters: rv.repeat,
        convertingRecipientRevenue: recipientRevenue,
        revenuePerConvertingRecipient: per(recipientRevenue, rv.converting),
        repeatConversionRate: ratio(rv.repeat, rv.converting),
        globalControl,
        asOf: new Date().toISOString(),
      };
    }),
  );
}
