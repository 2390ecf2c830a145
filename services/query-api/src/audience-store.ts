/**
 * Audience and value queries over `recipient_state` (the aggregator's per-recipient hashes as of
 * its last snapshot, a few seconds old). The fields read here (written by the apply script,
 * packages/counters/src/apply/2-recipient.lua):
 *   rd:<channel>        messages received per UTC day, "day:n;…" (days since the epoch), kept for
 *                       the recipient TTL (RECIPIENT_TTL_SECONDS of the aggregator)
 *   lr:<channel>        the 3 latest reaches on that channel, "time|campaign|message;…"
 *   lc                  the 3 latest clicks, same format
 *   le, lrp             the time of the latest open/click/reply, and of the latest reply
 *   sub, subAt          "out" after an opt-out (later opt-in → "in"), and when
 *   cv:<channel>        attributed conversions; cr:<channel>:<CUR> their revenue (ten-thousandths)
 * A period is a run of whole UTC days (kpi audiencePeriod). Recipient ids are the pseudonyms ingest
 * made (HMAC), never addresses.
 */
import type { Pool } from '@tally/db';
import { fromMoneyUnits } from '@tally/kpi';

export interface SilentQuery {
  tenant: string;
  firstDay: number;
  lastDay: number;
  sinceMs: number;
  minMessages: number;
  channel: string | null;
}

/** Messages received per recipient and day in the period ($2..$3), on channel $4 or on any. */
const DAYS = `
  days AS (
    SELECT r.recipient_id, split_part(x, ':', 1)::int AS day, sum(split_part(x, ':', 2)::int) AS n
      FROM recipient_state r, jsonb_each_text(r.state) kv, regexp_split_to_table(kv.value, ';') x
     WHERE r.tenant_id = $1 AND kv.key LIKE 'rd:%' AND ($4::text IS NULL OR kv.key = 'rd:' || $4)
       AND x ~ '^[0-9]+:[0-9]+$' AND split_part(x, ':', 1)::int BETWEEN $2 AND $3
     GROUP BY r.recipient_id, day)`;

/** Per subscribed recipient reached in the period: messages, last engagement ($5 = since ms). */
const REACHED = `
  WITH ${DAYS},
  reach AS (
    SELECT d.recipient_id, sum(d.n)::int AS reaches,
           coalesce((r.state->>'le')::bigint, -1) AS last_engaged, r.state
      FROM days d JOIN recipient_state r ON r.tenant_id = $1 AND r.recipient_id = d.recipient_id
     WHERE coalesce(r.state->>'sub', 'in') <> 'out'
     GROUP BY d.recipient_id, r.state)`;

const periodParams = (q: SilentQuery) => [q.tenant, q.firstDay, q.lastDay, q.channel, q.sinceMs];

export async function silentSummary(
  pool: Pool,
  q: SilentQuery,
): Promise<{ silent: number; audience: number }> {
  const { rows } = await pool.query<{ silent: string; audience: string }>(
    `${REACHED}
     SELECT count(*) FILTER (WHERE reaches >= $6 AND last_engaged < $5) AS silent, count(*) AS audience
       FROM reach`,
    [...periodParams(q), q.minMessages],
  );
  return { silent: Number(rows[0]?.silent ?? 0), audience: Number(rows[0]?.audience ?? 0) };
}

export interface SilentRecipient {
  recipientId: string;
  reachesInPeriod: number;
  lastReachAt: string | null;
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
    reaches: number;
    last_reach: string | null;
    last_engaged: string;
  }>(
    `${REACHED}
     SELECT recipient_id, reaches, last_engaged,
            (SELECT max(split_part(x, '|', 1)::bigint)
               FROM jsonb_each_text(reach.state) kv, regexp_split_to_table(kv.value, ';') x
              WHERE kv.key LIKE 'lr:%' AND ($4::text IS NULL OR kv.key = 'lr:' || $4)
                AND x ~ '^[0-9]+[|]') AS last_reach
       FROM reach
      WHERE reaches >= $6 AND last_engaged < $5 AND ($7::text IS NULL OR recipient_id > $7)
      ORDER BY recipient_id LIMIT $8`,
    [...periodParams(q), q.minMessages, after, limit],
  );
  const iso = (ms: string | null) =>
    ms !== null && Number(ms) >= 0 ? new Date(Number(ms)).toISOString() : null;
  return rows.map((r) => ({
    recipientId: r.recipient_id,
    reachesInPeriod: r.reaches,
    lastReachAt: iso(r.last_reach),
    lastEngagedAt: iso(r.last_engaged),
  }));
}

/**
 * Weekly trend, oldest week first: per week (first day in `weekStarts`), the subscribed
 * recipients reached that week, and how many of them have not opened, clicked or replied since
 * that week began.
 */
export async function silentTrend(
  pool: Pool,
  q: SilentQuery,
  weekStarts: number[],
): Promise<{ reached: number; silentSince: number }[]> {
  const { rows } = await pool.query<{ w: number; reached: string; silent: string }>(
    `${REACHED},
     weeks AS (SELECT w, s FROM unnest($5::int[]) WITH ORDINALITY AS t(s, w)),
     hits AS (SELECT d.recipient_id, d.day, reach.last_engaged FROM days d JOIN reach USING (recipient_id))
     SELECT weeks.w::int AS w, count(DISTINCT hits.recipient_id) AS reached,
            count(DISTINCT hits.recipient_id) FILTER (WHERE hits.last_engaged < weeks.s::bigint * 86400000) AS silent
       FROM weeks LEFT JOIN hits ON hits.day >= weeks.s AND hits.day < weeks.s + 7
      GROUP BY weeks.w ORDER BY weeks.w`,
    [q.tenant, q.firstDay, q.lastDay, q.channel, weekStarts],
  );
  return rows.map((r) => ({ reached: Number(r.reached), silentSince: Number(r.silent) }));
}

export interface FrequencyQuery {
  tenant: string;
  firstDay: number;
  lastDay: number;
  sinceMs: number;
}

/**
 * Per number of messages received in the period (all channels): recipients, and those who opted
 * out, clicked, replied, or opened/clicked/replied in the period.
 */
export async function frequencyRows(pool: Pool, q: FrequencyQuery) {
  const { rows } = await pool.query<{
    messages: number;
    recipients: string;
    opt_outs: string;
    clickers: string;
    repliers: string;
    engaged: string;
  }>(
    `WITH ${DAYS},
     reach AS (SELECT recipient_id, sum(n)::int AS messages FROM days GROUP BY recipient_id),
     clicks AS (
       SELECT DISTINCT r.recipient_id
         FROM recipient_state r, regexp_split_to_table(coalesce(r.state->>'lc', ''), ';') x
        WHERE r.tenant_id = $1 AND x ~ '^[0-9]+[|]' AND split_part(x, '|', 1)::bigint >= $5)
     SELECT reach.messages, count(*) AS recipients,
            count(*) FILTER (WHERE rs.state->>'sub' = 'out' AND (rs.state->>'subAt')::bigint >= $5) AS opt_outs,
            count(clicks.recipient_id) AS clickers,
            count(*) FILTER (WHERE coalesce((rs.state->>'lrp')::bigint, -1) >= $5) AS repliers,
            count(*) FILTER (WHERE coalesce((rs.state->>'le')::bigint, -1) >= $5) AS engaged
       FROM reach
       JOIN recipient_state rs ON rs.tenant_id = $1 AND rs.recipient_id = reach.recipient_id
       LEFT JOIN clicks ON clicks.recipient_id = reach.recipient_id
      GROUP BY reach.messages`,
    [q.tenant, q.firstDay, q.lastDay, null, q.sinceMs],
  );
  return rows.map((r) => ({
    messages: r.messages,
    recipients: Number(r.recipients),
    optOuts: Number(r.opt_outs),
    clickers: Number(r.clickers),
    repliers: Number(r.repliers),
    engaged: Number(r.engaged),
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

/** Lifetime value figures from recipient state (on channel $2, or on any). */
export async function recipientValue(
  pool: Pool,
  tenant: string,
  channel: string | null,
): Promise<RecipientValue> {
  const { rows } = await pool.query<{ reached: string; converting: string; repeat: string }>(
    `WITH per AS (
       SELECT r.recipient_id,
              bool_or(kv.key LIKE 'lr:%' OR kv.key LIKE 'rd:%') AS reached,
              coalesce(sum(kv.value::bigint) FILTER (WHERE kv.key LIKE 'cv:%'), 0) AS conversions
         FROM recipient_state r, jsonb_each_text(r.state) kv
        WHERE r.tenant_id = $1
          AND (($2::text IS NULL AND kv.key ~ '^(lr|rd|cv):')
               OR kv.key IN ('lr:' || $2, 'rd:' || $2, 'cv:' || $2))
        GROUP BY r.recipient_id)
     SELECT count(*) FILTER (WHERE reached) AS reached,
            count(*) FILTER (WHERE conversions >= 1) AS converting,
            count(*) FILTER (WHERE conversions >= 2) AS repeat
       FROM per`,
    [tenant, channel],
  );
  const money = await pool.query<{ currency: string; units: string }>(
    `SELECT substring(kv.key from '[^:]+$') AS currency, sum(kv.value::bigint) AS units
       FROM recipient_state r, jsonb_each_text(r.state) kv
      WHERE r.tenant_id = $1 AND kv.key ~ '^cr:[^:]+:[^:]+$' AND ($2::text IS NULL OR kv.key LIKE 'cr:' || $2 || ':%')
      GROUP BY 1 ORDER BY 1`,
    [tenant, channel],
  );
  const row = rows[0];
  return {
    reached: Number(row?.reached ?? 0),
    converting: Number(row?.converting ?? 0),
    repeat: Number(row?.repeat ?? 0),
    revenue: Object.fromEntries(money.rows.map((m) => [m.currency, fromMoneyUnits(Number(m.units))])),
  };
}
