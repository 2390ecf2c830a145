/**
 * The global control group's figures from `recipient_state` (issue 21): the tenant's targeted
 * recipients — messaged on the channel(s) (`rd:<ch>`) or held out of a campaign (`ho`) — split by
 * membership (@tally/kpi global-control.ts, the same hash computed in SQL: the first 32 bits of
 * SHA-256(salt ":" recipient) over 2^32 below the share), each side's recipients, converting
 * recipients and conversions, and per currency the sum and the sum of squares of each recipient's
 * revenue — every conversion of the recipient (`ta`, `tr:<CUR>`), attributed or not, since a
 * member's conversions have no message to be attributed to. Exact (numeric squares).
 */
import type { Pool } from 'pg';

export interface ControlSide {
  recipients: number;
  converting: number;
  conversions: number;
  /** currency → { sum, sumSq } in ten-thousandths (units, units²). */
  revenue: Record<string, { sum: bigint; sumSq: bigint }>;
}

const MEMBER = `(('x' || encode(substring(sha256(convert_to($2 || ':' || r.recipient_id, 'UTF8')) from 1 for 4), 'hex'))::bit(32)::bigint)::float8 / 4294967296 < $3`;
const TARGETED = `(r.state ? 'ho' OR r.state ?| $4::text[])`;

export async function globalControlSides(
  pool: Pool,
  tenant: string,
  salt: string,
  share: number,
  channels: readonly string[],
): Promise<{ control: ControlSide; treated: ControlSide }> {
  const params = [tenant, salt, share, channels.map((ch) => `rd:${ch}`)];
  const counts = await pool.query<{ member: boolean; n: string; converting: string; conversions: string }>(
    `SELECT ${MEMBER} AS member, count(*) AS n,
            count(*) FILTER (WHERE coalesce((r.state->>'ta')::bigint, 0) > 0) AS converting,
            coalesce(sum((r.state->>'ta')::bigint), 0) AS conversions
       FROM recipient_state r
      WHERE r.tenant_id = $1 AND ${TARGETED}
      GROUP BY 1`,
    params,
  );
  const money = await pool.query<{ member: boolean; currency: string; units: string; sq: string }>(
    `SELECT ${MEMBER} AS member, substring(kv.key from 4) AS currency,
            sum(kv.value::numeric)::text AS units, sum(kv.value::numeric * kv.value::numeric)::text AS sq
       FROM recipient_state r, jsonb_each_text(r.state) kv
      WHERE r.tenant_id = $1 AND ${TARGETED} AND kv.key LIKE 'tr:%'
      GROUP BY 1, 2 ORDER BY 2`,
    params,
  );
  const side = (member: boolean): ControlSide => {
    const c = counts.rows.find((r) => r.member === member);
    const revenue: ControlSide['revenue'] = {};
    for (const m of money.rows.filter((r) => r.member === member))
      revenue[m.currency] = { sum: BigInt(m.units), sumSq: BigInt(m.sq) };
    return {
      recipients: Number(c?.n ?? 0),
      converting: Number(c?.converting ?? 0),
      conversions: Number(c?.conversions ?? 0),
      revenue,
    };
  };
  return { control: side(true), treated: side(false) };
}
