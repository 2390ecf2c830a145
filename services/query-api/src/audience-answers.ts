/**
 * The audience answers as the routes serve them (routes/audience.route.ts), from the rollups and
 * the silent index (audience-store.ts), for a given clock: one place the routes and the property
 * test (services/aggregator/test, against @tally/model) both read.
 */
import { withConsistentRead, type Pool } from '@tally/db';
import { audiencePeriod, DAY_MS, frequencyOf, frequencyTable, ratio, silentOf, weekOf } from '@tally/kpi';
import { periodHistogram, silentPage, trendHistograms, type SilentCursor } from './audience-store.ts';

export interface SilentRequest {
  tenant: string;
  nowMs: number;
  days: number;
  minMessages: number;
  channel: string | null;
  after: SilentCursor | null;
  limit: number;
}

/** The silent-disengagement answer (the route adds the request's echo and `asOf`). */
export async function silentDisengagement(pool: Pool, r: SilentRequest) {
  const period = audiencePeriod(r.nowMs, r.days);
  const q = { tenant: r.tenant, ...period, minMessages: r.minMessages, channel: r.channel };
  // one snapshot of the database for the count, the page and the trend, so they agree
  const [histogram, rows, weeks] = await withConsistentRead(pool, async (c) => [
    await periodHistogram(c, q),
    await silentPage(c, q, r.after, r.limit + 1),
    await trendHistograms(c, q, period.weekStarts),
  ]);
  const summary = silentOf(histogram, r.minMessages);
  const page = rows.slice(0, r.limit);
  const last = page[page.length - 1];
  return {
    from: new Date(period.sinceMs).toISOString(),
    count: summary.silent,
    audience: summary.audience,
    share: ratio(summary.silent, summary.audience),
    trend: period.weekStarts.map((day, i) => ({
      weekStart: new Date(day * DAY_MS).toISOString(),
      ...weekOf(weeks[i] ?? []),
    })),
    recipients: page.map(({ lastEngagedMs: _, ...x }) => x),
    /** Where the next page starts, or null on the last page. */
    next:
      rows.length > r.limit && last
        ? { lastEngagedAt: last.lastEngagedMs, recipientId: last.recipientId }
        : null,
  };
}

/** The frequency answer's buckets and the period's first instant. */
export async function frequency(pool: Pool, tenant: string, nowMs: number, days: number) {
  const period = audiencePeriod(nowMs, days);
  const histogram = await periodHistogram(pool, { tenant, ...period, minMessages: 1, channel: null });
  return {
    from: new Date(period.sinceMs).toISOString(),
    rows: frequencyOf(histogram),
    buckets: frequencyTable(frequencyOf(histogram)),
  };
}
