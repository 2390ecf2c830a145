/**
 * Audience queries over `recipient_state` (the aggregator's per-recipient hashes as of its last
 * snapshot, a few seconds old). What a recipient's state holds, and so what can be answered:
 *   lr:<channel>  the 3 latest reaches on that channel, "time|campaign|message;…"
 *   le            the time of the latest open, click or reply (any channel)
 *   sub, subAt    "out" after an opt-out (later opt-in → "in"), and when
 * Reaches in a period are counted from the kept reach lists: exact up to 3 per channel (hence
 * minMessages ≤ 3). Recipient ids are the pseudonyms ingest made (HMAC), never addresses.
 */
import type { Pool } from '@tally/db';

export interface SilentQuery {
  tenant: string;
  sinceMs: number;
  minMessages: number;
  channel: string | null;
}

/** Per recipient: reaches in the period (on the channel, or all), subscribed, last engagement. */
const REACHED = `
  WITH reach AS (
    SELECT r.recipient_id,
           count(*) FILTER (WHERE split_part(x, '|', 1)::bigint >= $2) AS reaches,
           max(split_part(x, '|', 1)::bigint) AS last_reach,
           coalesce(r.state->>'sub', 'in') <> 'out' AS subscribed,
           coalesce((r.state->>'le')::bigint, -1) AS last_engaged
      FROM recipient_state r,
           jsonb_each_text(r.state) kv,
           regexp_split_to_table(kv.value, ';') x
     WHERE r.tenant_id = $1 AND kv.key LIKE 'lr:%' AND ($3::text IS NULL OR kv.key = 'lr:' || $3)
       AND x ~ '^[0-9]+[|]'
     GROUP BY r.recipient_id, r.state
  )`;

export async function silentSummary(
  pool: Pool,
  q: SilentQuery,
): Promise<{ silent: number; audience: number }> {
  const { rows } = await pool.query<{ silent: string; audience: string }>(
    `${REACHED}
     SELECT count(*) FILTER (WHERE reaches >= $4 AND last_engaged < $2) AS silent,
            count(*) FILTER (WHERE reaches >= 1) AS audience
       FROM reach WHERE subscribed`,
    [q.tenant, q.sinceMs, q.channel, q.minMessages],
  );
  return { silent: Number(rows[0]?.silent ?? 0), audience: Number(rows[0]?.audience ?? 0) };
}

export interface SilentRecipient {
  recipientId: string;
  reachesInPeriod: number;
  lastReachAt: string;
  lastEngagedAt: string | null;
}

export async function silentPage(
  pool: Pool,
  q: SilentQuery,
  after: string | null,
  limit: number,
): Promise<SilentRecipient[]> {
  const { rows } = await pool.query<{
    recipient_id: string;
    reaches: string;
    last_reach: string;
    last_engaged: string;
  }>(
    `${REACHED}
     SELECT recipient_id, reaches, last_reach, last_engaged FROM reach
      WHERE subscribed AND reaches >= $4 AND last_engaged < $2 AND ($5::text IS NULL OR recipient_id > $5)
      ORDER BY recipient_id LIMIT $6`,
    [q.tenant, q.sinceMs, q.channel, q.minMessages, after, limit],
  );
  return rows.map((r) => ({
    recipientId: r.recipient_id,
    reachesInPeriod: Number(r.reaches),
    lastReachAt: new Date(Number(r.last_reach)).toISOString(),
    lastEngagedAt: Number(r.last_engaged) >= 0 ? new Date(Number(r.last_engaged)).toISOString() : null,
  }));
}

/**
 * Weekly trend, newest week last: per week of the period, the subscribed recipients reached that
 * week, and how many of them have not opened, clicked or replied since that week began.
 */
export async function silentTrend(
  pool: Pool,
  q: SilentQuery,
  weekStarts: number[],
): Promise<{ reached: number; silentSince: number }[]> {
  const { rows } = await pool.query<{ w: number; reached: string; silent: string }>(
    `WITH weeks AS (SELECT w, s FROM unnest($4::bigint[]) WITH ORDINALITY AS t(s, w)),
          reach AS (
       SELECT r.recipient_id, split_part(x, '|', 1)::bigint AS at,
              coalesce((r.state->>'le')::bigint, -1) AS last_engaged
         FROM recipient_state r, jsonb_each_text(r.state) kv, regexp_split_to_table(kv.value, ';') x
        WHERE r.tenant_id = $1 AND kv.key LIKE 'lr:%' AND ($3::text IS NULL OR kv.key = 'lr:' || $3)
          AND x ~ '^[0-9]+[|]' AND coalesce(r.state->>'sub', 'in') <> 'out' AND split_part(x, '|', 1)::bigint >= $2)
     SELECT weeks.w::int AS w, count(DISTINCT reach.recipient_id) AS reached,
            count(DISTINCT reach.recipient_id) FILTER (WHERE reach.last_engaged < weeks.s) AS silent
       FROM weeks LEFT JOIN reach ON reach.at >= weeks.s AND reach.at < weeks.s + 604800000
      GROUP BY weeks.w ORDER BY weeks.w`,
    [q.tenant, q.sinceMs, q.channel, weekStarts],
  );
  return rows.map((r) => ({ reached: Number(r.reached), silentSince: Number(r.silent) }));
}

/**
 * Per number of reaches in the period (from the kept reach lists, so at most 3 per channel):
 * recipients, those who opted out in the period, clicked in the period (`lc`), or opened,
 * clicked or replied since it began (`le`).
 */
export async function frequencyRows(pool: Pool, tenant: string, sinceMs: number) {
  const { rows } = await pool.query<{
    messages: string;
    recipients: string;
    opt_outs: string;
    clickers: string;
    engaged: string;
  }>(
    `WITH rs AS (SELECT recipient_id, state FROM recipient_state WHERE tenant_id = $1),
          reach AS (
       SELECT recipient_id, count(*) AS messages
         FROM rs, jsonb_each_text(rs.state) kv, regexp_split_to_table(kv.value, ';') x
        WHERE kv.key LIKE 'lr:%' AND x ~ '^[0-9]+[|]' AND split_part(x, '|', 1)::bigint >= $2
        GROUP BY recipient_id),
          clicks AS (
       SELECT DISTINCT recipient_id
         FROM rs, regexp_split_to_table(coalesce(rs.state->>'lc', ''), ';') x
        WHERE x ~ '^[0-9]+[|]' AND split_part(x, '|', 1)::bigint >= $2)
     SELECT reach.messages, count(*) AS recipients,
            count(*) FILTER (WHERE rs.state->>'sub' = 'out' AND (rs.state->>'subAt')::bigint >= $2) AS opt_outs,
            count(clicks.recipient_id) AS clickers,
            count(*) FILTER (WHERE coalesce((rs.state->>'le')::bigint, -1) >= $2) AS engaged
       FROM reach JOIN rs USING (recipient_id) LEFT JOIN clicks USING (recipient_id)
      GROUP BY reach.messages`,
    [tenant, sinceMs],
  );
  return rows.map((r) => ({
    messages: Number(r.messages),
    recipients: Number(r.recipients),
    optOuts: Number(r.opt_outs),
    clickers: Number(r.clickers),
    engaged: Number(r.engaged),
  }));
}

/** Recipients of the tenant with a kept reach (on the channel, or on any). */
export async function reachedRecipients(pool: Pool, tenant: string, channel: string | null): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM recipient_state
      WHERE tenant_id = $1 AND EXISTS (
        SELECT 1 FROM jsonb_object_keys(state) k WHERE k LIKE 'lr:%' AND ($2::text IS NULL OR k = 'lr:' || $2))`,
    [tenant, channel],
  );
  return Number(rows[0]?.n ?? 0);
}
