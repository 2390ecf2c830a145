/**
 * Audience and value queries (issue 22): counts come from the rollups the snapshotter keeps
 * beside the recipient rows (audience_rollup, value_rollup; @tally/kpi audience-rollup.ts), so a
 * count costs what its answer costs, whatever the audience; the silent list pages through the
 * typed, indexed columns of `recipient_state` in order of last engagement. All as of the
 * aggregator's last snapshot (a few seconds old). The recipient_state JSON fields read here are
 * spelled by packages/counters/src/state/audience.ts (audienceRow):
 *   rd:<channel>   messages received per UTC day, "day:n;…" (days since the epoch)
 *   lr:<channel>   the 3 latest reaches on that channel, "time|campaign|message;…"
 * A period is a run of whole UTC days (kpi audiencePeriod) of a length in AUDIENCE_PERIODS.
 * Recipient ids are the pseudonyms ingest made (HMAC), never addresses.
 */
import type { Queryable } from '@tally/db';
import { ALL_SCOPE, fromMoneyUnits, TREND_PERIOD, type HistogramRow } from '@tally/kpi';

export interface SilentQuery {
  tenant: string;
  firstDay: number;
  lastDay: number;
  sinceMs: number;
  minMessages: number;
  channel: string | null;
}

/** The tuple histogram of the `period`-day period ending on each of `days` (rollup sums). */
export async function histograms(
  pool: Queryable,
  tenant: string,
  period: number,
  scope: string,
  days: readonly number[],
): Promise<HistogramRow[][]> {
  const { rows } = await pool.query<{ at: number; reaches: number; flags: number; n: string }>(
    `SELECT t.at, a.reaches, a.flags, sum(a.n) AS n
       FROM unnest($4::int[]) AS t(at)
       JOIN audience_rollup a ON a.tenant_id = $1 AND a.period = $2 AND a.scope = $3 AND a.day <= t.at
      GROUP BY t.at, a.reaches, a.flags HAVING sum(a.n) <> 0`,
    [tenant, period, scope, days],
  );
  return days.map((d) =>
    rows.filter((r) => r.at === d).map((r) => ({ reaches: r.reaches, flags: r.flags, n: Number(r.n) })),
  );
}

const periodOf = (q: { firstDay: number; lastDay: number }) => q.lastDay - q.firstDay + 1;

/** The period's tuple histogram on its last day, on the query's scope. */
export async function periodHistogram(pool: Queryable, q: SilentQuery): Promise<HistogramRow[]> {
  const [rows] = await histograms(pool, q.tenant, periodOf(q), q.channel ?? ALL_SCOPE, [q.lastDay]);
  return rows ?? [];
}

/** The weekly trend's histograms: the 7-day period ending on each week's last day. */
export function trendHistograms(pool: Queryable, q: SilentQuery, weekStarts: readonly number[]) {
  return histograms(
    pool,
    q.tenant,
    TREND_PERIOD,
    q.channel ?? ALL_SCOPE,
    weekStarts.map((d) => d + TREND_PERIOD - 1),
  );
}

/** Where a page of the silent list starts: after this (last engagement, recipient). */
export interface SilentCursor {
  lastEngagedAt: number;
  recipientId: string;
}

export interface SilentRecipient {
  recipientId: string;
  reachesInPeriod: number;
  lastReachAt: string | null;
  lastEngagedAt: string | null;
}

/** A recipient's reaches in the query's period and scope, from its row (`r`), as `reaches`. */
const REACHES_IN_PERIOD = `LATERAL (SELECT coalesce(sum(split_part(x, ':', 2)::int), 0)::int AS reaches
                  FROM jsonb_each_text(r.state) kv, regexp_split_to_table(kv.value, ';') x
                 WHERE kv.key LIKE 'rd:%' AND ($4::text IS NULL OR kv.key = 'rd:' || $4)
                   AND x ~ '^[0-9]+:[0-9]+$' AND split_part(x, ':', 1)::int BETWEEN $2 AND $3) p`;
/** The silent candidates of one last-reach-day condition, in page order, at most a page. */
const candidates = (dayCondition: string) =>
  `SELECT r.recipient_id, r.last_engaged_at, r.state, p.reaches
     FROM recipient_state r, ${REACHES_IN_PERIOD}
    WHERE r.tenant_id = $1 AND r.subscribed AND ${dayCondition} AND r.last_engaged_at < $5
      AND (r.last_engaged_at, r.recipient_id) > ($7::bigint, $8::text) AND p.reaches >= $6
    ORDER BY r.last_engaged_at, r.recipient_id LIMIT $9`;

/**
 * A page of silent recipients, longest silent first (never engaged, then by last engagement).
 * The recipient_state_silent index is ordered by last reach day, then last engagement: for each
 * day of the period (and the day after, which a reach up to 24 h ahead can name) it reads, in page
 * order, at most a page of that day's candidates, and the page is the first of their merge. So a
 * page reads the recipients reached in the period, never those whose last reach is older (a
 * tenant's history), and each one's reaches in the period are counted from its row.
 */
export async function silentPage(
  pool: Queryable,
  q: SilentQuery,
  after: SilentCursor | null,
  limit: number,
): Promise<(SilentRecipient & { lastEngagedMs: number })[]> {
  const { rows } = await pool.query<{
    recipient_id: string;
    reaches: number;
    last_reach: string | null;
    last_engaged_at: string;
  }>(
    `WITH c AS (
       SELECT c.* FROM generate_series($2::int, $3::int + 1) AS d(day),
              LATERAL (${candidates('r.last_reach_day = d.day')}) c
       UNION ALL
       (${candidates('r.last_reach_day > $3::int + 1')})
     )
     SELECT c.recipient_id, c.last_engaged_at, c.reaches,
            (SELECT max(split_part(x, '|', 1)::bigint)
               FROM jsonb_each_text(c.state) kv, regexp_split_to_table(kv.value, ';') x
              WHERE kv.key LIKE 'lr:%' AND ($4::text IS NULL OR kv.key = 'lr:' || $4)
                AND x ~ '^[0-9]+[|]') AS last_reach
       FROM c ORDER BY c.last_engaged_at, c.recipient_id LIMIT $9`,
    [
      q.tenant,
      q.firstDay,
      q.lastDay,
      q.channel,
      q.sinceMs,
      q.minMessages,
      after?.lastEngagedAt ?? -2,
      after?.recipientId ?? '',
      limit,
    ],
  );
  const iso = (ms: string | null) =>
    ms !== null && Number(ms) >= 0 ? new Date(Number(ms)).toISOString() : null;
  return rows.map((r) => ({
    recipientId: r.recipient_id,
    reachesInPeriod: r.reaches,
    lastReachAt: iso(r.last_reach),
    lastEngagedAt: iso(r.last_engaged_at),
    lastEngagedMs: Number(r.last_engaged_at),
  }));
}

export interface RecipientValue {
  /** Recipients with a kept reach (on the channel, or on any). */
  reached: number;
  /** Recipients with at least one attributed conversion, and with two or more. */
  converting: number;
  repeat: number;
  /** Revenue of the converting recipients per currency (major units). */
  revenue: Record<string, number>;
}

/** Lifetime value figures on a scope (a channel, or ALL_SCOPE), from value_rollup. */
export async function recipientValue(
  pool: Queryable,
  tenant: string,
  scope: string,
): Promise<RecipientValue> {
  const { rows } = await pool.query<{ metric: string; n: string }>(
    'SELECT metric, n FROM value_rollup WHERE tenant_id = $1 AND scope = $2 AND n <> 0 ORDER BY metric',
    [tenant, scope],
  );
  const get = (m: string) => Number(rows.find((r) => r.metric === m)?.n ?? 0);
  return {
    reached: get('reached'),
    converting: get('converting'),
    repeat: get('repeat'),
    revenue: Object.fromEntries(
      rows
        .filter((r) => r.metric.startsWith('revenue:'))
        .map((r) => [r.metric.slice('revenue:'.length), fromMoneyUnits(Number(r.n))]),
    ),
  };
}
