/**
 * The global control group's figures from `recipient_state` (issue 21): the tenant's targeted
 * recipients — messaged on the channel(s) (`rd:<ch>`) or held out of a campaign (`ho`) — split by
 * membership (@tally/kpi global-control.ts, the same hash computed in SQL: the first 32 bits of
 * SHA-256(salt ":" recipient) over 2^32 below the share), each side's recipients, converting
 * recipients and conversions, and per currency the sum and the sum of squares of each recipient's
 * revenue — every conversion of the recipient (`ta`, `tr:<CUR>`), attributed or not, since a
 * member's conversions have no message to be attributed to. Exact (numeric squares).
 */
import { withConsistentRead, type Pool, type Queryable } from '@tally/db';
import { audienceFacts } from '@tally/counters';
import { ALL_SCOPE, CONTROL_BUCKET_BITS, controlMetricsOf } from '@tally/kpi';

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

function emptySide(): ControlSide {
  return { recipients: 0, converting: 0, conversions: 0, revenue: {} };
}

function addMetric(side: ControlSide, metric: string, n: bigint, sign: 1n | -1n = 1n): void {
  const v = sign * n;
  if (metric === 'recipients') side.recipients += Number(v);
  else if (metric === 'converting') side.converting += Number(v);
  else if (metric === 'conversions') side.conversions += Number(v);
  else {
    const [kind, cur = ''] = metric.split(':');
    const r = (side.revenue[cur] ??= { sum: 0n, sumSq: 0n });
    if (kind === 'rev') r.sum += v;
    else if (kind === 'sq') r.sumSq += v;
  }
}

/**
 * The two sides from the control rollups (issue 22): the whole position buckets below the share
 * from control_rollup, the one bucket the share cuts from its recipient rows (by index: 1/1024 of
 * the tenant's rows at most), treated = every bucket − control. Null while some of the tenant's
 * rows are not in the rollups yet (written before its salt existed; the snapshotter rolls them
 * in): the caller then reads the rows (globalControlSides).
 */
export function globalControlFromRollups(
  pool: Pool,
  tenant: string,
  share: number,
  channel: string | null,
): Promise<{ control: ControlSide; treated: ControlSide } | null> {
  // the buckets and the cut bucket's rows from one snapshot, so a write between them cannot skew
  // treated = all − control
  return withConsistentRead(pool, (c) => fromRollups(c, tenant, share, channel));
}

async function fromRollups(
  pool: Queryable,
  tenant: string,
  share: number,
  channel: string | null,
): Promise<{ control: ControlSide; treated: ControlSide } | null> {
  const pending = await pool.query(
    'SELECT 1 FROM recipient_state WHERE tenant_id = $1 AND control_position IS NULL LIMIT 1',
    [tenant],
  );
  if (pending.rows.length > 0) return null;
  const scope = channel ?? ALL_SCOPE;
  const cut = share * 2 ** 32;
  const whole = Math.floor(cut / 2 ** CONTROL_BUCKET_BITS);
  const { rows } = await pool.query<{ inside: boolean; metric: string; n: string }>(
    `SELECT bucket < $3 AS inside, metric, sum(n)::text AS n FROM control_rollup
      WHERE tenant_id = $1 AND scope = $2 GROUP BY 1, 2`,
    [tenant, scope, whole],
  );
  const control = emptySide();
  const all = emptySide();
  for (const r of rows) {
    const n = BigInt(r.n);
    addMetric(all, r.metric, n);
    if (r.inside) addMetric(control, r.metric, n);
  }
  const part = await pool.query<{ state: Record<string, string> }>(
    `SELECT state FROM recipient_state
      WHERE tenant_id = $1 AND control_position >= $2 AND control_position < $3`,
    [tenant, whole * 2 ** CONTROL_BUCKET_BITS, Math.ceil(cut)],
  );
  for (const r of part.rows) {
    const m = controlMetricsOf(audienceFacts(r.state), scope);
    if (m) for (const [metric, n] of m) addMetric(control, metric, n);
  }
  const treated = emptySide();
  for (const [metric, n] of [
    ['recipients', all.recipients - control.recipients],
    ['converting', all.converting - control.converting],
    ['conversions', all.conversions - control.conversions],
  ] as const)
    addMetric(treated, metric, BigInt(n));
  for (const [cur, r] of Object.entries(all.revenue)) {
    const c = control.revenue[cur] ?? { sum: 0n, sumSq: 0n };
    if (r.sum - c.sum !== 0n || r.sumSq - c.sumSq !== 0n)
      treated.revenue[cur] = { sum: r.sum - c.sum, sumSq: r.sumSq - c.sumSq };
  }
  for (const side of [control])
    for (const [cur, r] of Object.entries(side.revenue))
      if (r.sum === 0n && r.sumSq === 0n) delete side.revenue[cur];
  return { control, treated };
}
