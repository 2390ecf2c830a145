/**
 * The answers of GET /v1/campaigns/:id/kpis and /breakdown, read from Redis and serialized with
 * the routes' response schemas (the same zod parse the serializer compiler would do), so that a
 * kept answer (answer-cache.ts) is sent as it is, without a second serialization.
 */
import {
  readBreakdown,
  readCampaign,
  readCampaignWindow,
  readFilteredCounts,
  readFilteredWindow,
  type BreakdownDimension,
  type TupleFilter,
} from '@tally/counters';
import { AppError } from '@tally/http';
import { computeRates, notReported, type Counts, type Window } from '@tally/kpi';
import type { QueryApiDeps } from './deps.ts';
import { kpiHoldout } from './experiment-answer.ts';
import { kpiView } from './kpi-view.ts';
import { whole } from './read-guard.ts';
import { breakdownResponseSchema, kpiResponseSchema } from './schemas.ts';

/** The KPIs of one campaign; with a send filter, of those sends' message counts (lifetime or window) only. */
export async function kpiAnswer(
  deps: QueryApiDeps,
  tenant: string,
  id: string,
  window: Window,
  filter: TupleFilter,
): Promise<string> {
  const now = new Date();
  // freshness is usually already measured (freshness.ts); when not, it is measured beside the read
  const freshnessAsOfNow = deps.freshness(now.getTime());
  if (Object.keys(filter).length > 0) {
    const [lifetime, counts, freshness] = await Promise.all([
      whole(() => readCampaign(deps.redis, deps.keys, tenant, id)),
      whole(() =>
        window === 'all'
          ? readFilteredCounts(deps.redis, deps.keys, tenant, id, filter)
          : readFilteredWindow(deps.redis, deps.keys, tenant, id, filter, window, now.getTime()),
      ),
      freshnessAsOfNow,
    ]);
    if (!lifetime || !counts) throw new AppError('not_found', `no campaign ${id}`);
    // the sends' channel when the filter names one, else the campaign's; its lifetime opens
    const reporting = { channel: filter.channel ?? lifetime.channel, opened: lifetime.lifetimeOpened };
    return JSON.stringify(
      kpiResponseSchema.parse({
        ...kpiView(lifetime, window, now),
        counts,
        rates: computeRates(counts, reporting),
        notReported: notReported(reporting),
        money: null,
        responseTime: null,
        engagementDuration: null,
        satisfaction: null,
        featureAdoption: null,
        filter: { ...filter, scope: window === 'all' ? ('lifetime' as const) : ('window' as const) },
        holdout: null,
        ...freshness,
      }),
    );
  }
  const [state, freshness, holdout] = await Promise.all([
    whole(() =>
      window === 'all'
        ? readCampaign(deps.redis, deps.keys, tenant, id)
        : readCampaignWindow(deps.redis, deps.keys, tenant, id, window, now.getTime()),
    ),
    freshnessAsOfNow,
    window === 'all' ? kpiHoldout(deps, tenant, id) : null,
  ]);
  if (!state) throw new AppError('not_found', `no campaign ${id}`);
  return JSON.stringify(
    kpiResponseSchema.parse({ ...kpiView(state, window, now), filter: null, holdout, ...freshness }),
  );
}

/**
 * Message counts and rates of one campaign per value of a dimension (lifetime). What a group can
 * report is the campaign's (its channel and lifetime opens), or, broken down by channel, that of
 * the campaign's sends on the group's channel.
 */
export async function breakdownAnswer(
  deps: QueryApiDeps,
  tenant: string,
  id: string,
  by: BreakdownDimension,
): Promise<string> {
  const read = await whole(() => readBreakdown(deps.redis, deps.keys, tenant, id, by));
  if (!read) throw new AppError('not_found', `no campaign ${id}`);
  const { channel, opened, groups, codes } = read;
  const reportingOf = (value: string, counts: Counts) =>
    by === 'channel' ? { channel: value, opened: counts.opened } : { channel, opened };
  return JSON.stringify(
    breakdownResponseSchema.parse({
      campaignId: id,
      by,
      groups: [...groups.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([value, counts]) => ({
          value,
          counts,
          rates: computeRates(counts, reportingOf(value, counts)),
          notReported: notReported(reportingOf(value, counts)),
          ...(codes
            ? {
                codes: Object.entries(codes.get(value) ?? {})
                  .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
                  .map(([code, failed]) => ({ code, failed })),
              }
            : {}),
        })),
      asOf: new Date().toISOString(),
    }),
  );
}
