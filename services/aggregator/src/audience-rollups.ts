/**
 * Writes recipient_state rows and keeps the audience rollups beside them (issue 22), in the
 * snapshot's transaction: each row's old version is read under its lock, and the difference of
 * the two versions' timelines and value figures (@tally/kpi audience-rollup.ts) is added to
 * audience_rollup and value_rollup. The rollups are therefore a function of the stored rows —
 * rewriting a row with the same content adds nothing, a rebuild that writes every row again
 * changes nothing — and they can never disagree with the rows they summarise.
 *
 * Rows stored before the rollups existed (`rolled` false) count nothing yet: `rollIn` adds a page
 * of them per snapshot, and a write over such a row counts its old version as absent.
 *
 * The global control group's rollup (control_rollup) needs the tenant's salt: a row written while
 * its tenant has none keeps `control_position` NULL and counts nothing there; once the tenant has
 * one, `controlRollIn` adds its rows a page per snapshot, and query-api reads the group's sides
 * from the rows directly until none is left (global-control-store.ts).
 */
import { audienceFacts } from '@tally/counters';
import type { PoolClient } from '@tally/db';
import { CHANNELS } from '@tally/events';
import {
  ALL_SCOPE,
  AUDIENCE_PERIODS,
  audienceDeltas,
  controlDeltas,
  controlPosition,
  parseRollupKey,
  valueDeltas,
  type AudienceFacts,
} from '@tally/kpi';

export interface AudienceRow {
  tenant: string;
  recipient: string;
  row: Record<string, string>;
}

const CHUNK = 2000;

/** The typed columns of a row (migration 0030). */
function typed(row: Record<string, string>, f: AudienceFacts): [number, boolean, number] {
  let lastReachDay = -1;
  for (const days of Object.values(f.reaches))
    for (const d of Object.keys(days)) lastReachDay = Math.max(lastReachDay, Number(d));
  const le = row.le === undefined ? -1 : Number(row.le);
  return [Number.isFinite(le) ? le : -1, f.subscribed, lastReachDay];
}

const SCOPES = [ALL_SCOPE, ...CHANNELS];

/** The recipient's control position (uint32) for the salt. */
const positionOf = (recipient: string, salt: string) =>
  Math.round(controlPosition(recipient, salt) * 2 ** 32);

class Deltas {
  readonly audience = new Map<string, Map<string, number>>();
  readonly value = new Map<string, Map<string, number>>();
  readonly control = new Map<string, Map<string, bigint>>();

  addControl(
    tenant: string,
    before: [AudienceFacts, number] | null,
    after: [AudienceFacts, number] | null,
  ): void {
    const m = this.control.get(tenant) ?? new Map<string, bigint>();
    if (before) controlDeltas(before[0], null, before[1], SCOPES, m);
    if (after) controlDeltas(null, after[0], after[1], SCOPES, m);
    this.control.set(tenant, m);
  }

  add(tenant: string, before: AudienceFacts | null, after: AudienceFacts | null): void {
    const a = this.audience.get(tenant) ?? new Map<string, number>();
    const v = this.value.get(tenant) ?? new Map<string, number>();
    audienceDeltas(before, after, a);
    valueDeltas(before, after, v);
    this.audience.set(tenant, a);
    this.value.set(tenant, v);
  }

  /** Adds every delta to the rollup tables, in key order (one lock order for every writer). */
  async store(client: PoolClient): Promise<{ audienceKeys: number; valueKeys: number }> {
    const aRows: [string, number, string, number, number, number, number][] = [];
    for (const [tenant, m] of [...this.audience].sort(([x], [y]) => (x < y ? -1 : 1)))
      for (const [k, n] of m) {
        const p = parseRollupKey(k);
        aRows.push([tenant, p.period, p.scope, p.day, p.reaches, p.flags, n]);
      }
    aRows.sort((x, y) => {
      for (let i = 0; i < 6; i++) if (x[i] !== y[i]) return (x[i] as never) < (y[i] as never) ? -1 : 1;
      return 0;
    });
    for (let i = 0; i < aRows.length; i += CHUNK) {
      const part = aRows.slice(i, i + CHUNK);
      const cols = Array.from({ length: 7 }, (_, c) => part.map((r) => r[c]));
      await client.query(
        `INSERT INTO audience_rollup(tenant_id, period, scope, day, reaches, flags, n)
         SELECT * FROM unnest($1::text[], $2::smallint[], $3::text[], $4::int[], $5::int[], $6::smallint[], $7::bigint[])
         ON CONFLICT (tenant_id, period, scope, day, reaches, flags) DO UPDATE SET n = audience_rollup.n + EXCLUDED.n`,
        cols,
      );
      await client.query(
        `DELETE FROM audience_rollup WHERE n = 0 AND (tenant_id, period, scope, day, reaches, flags) IN
           (SELECT * FROM unnest($1::text[], $2::smallint[], $3::text[], $4::int[], $5::int[], $6::smallint[]))`,
        cols.slice(0, 6),
      );
    }
    const vRows: [string, string, string, number][] = [];
    for (const [tenant, m] of this.value)
      for (const [k, n] of m) {
        const [scope = '', metric = ''] = k.split('\t');
        vRows.push([tenant, scope, metric, n]);
      }
    vRows.sort((x, y) => (x.join('\t') < y.join('\t') ? -1 : 1));
    for (let i = 0; i < vRows.length; i += CHUNK) {
      const part = vRows.slice(i, i + CHUNK);
      await client.query(
        `INSERT INTO value_rollup(tenant_id, scope, metric, n)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
         ON CONFLICT (tenant_id, scope, metric) DO UPDATE SET n = value_rollup.n + EXCLUDED.n`,
        Array.from({ length: 4 }, (_, c) => part.map((r) => r[c])),
      );
    }
    const cRows: [string, string, number, string, string][] = [];
    for (const [tenant, m] of this.control)
      for (const [k, n] of m) {
        const [scope = '', bucket = '0', metric = ''] = k.split('\t');
        cRows.push([tenant, scope, Number(bucket), metric, n.toString()]);
      }
    cRows.sort((x, y) => (x.join('\t') < y.join('\t') ? -1 : 1));
    for (let i = 0; i < cRows.length; i += CHUNK) {
      const part = cRows.slice(i, i + CHUNK);
      await client.query(
        `INSERT INTO control_rollup(tenant_id, scope, bucket, metric, n)
         SELECT * FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[], $5::numeric[])
         ON CONFLICT (tenant_id, scope, bucket, metric) DO UPDATE SET n = control_rollup.n + EXCLUDED.n`,
        Array.from({ length: 5 }, (_, c) => part.map((r) => r[c])),
      );
    }
    return { audienceKeys: aRows.length, valueKeys: vRows.length };
  }
}

/** The global-control salt of each of `tenants` that has one. */
async function saltsOf(client: PoolClient, tenants: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await client.query<{ tenant_id: string; global_control_salt: string }>(
    'SELECT tenant_id, global_control_salt FROM tenant_experiment_settings WHERE tenant_id = ANY($1::text[])',
    [tenants],
  );
  return new Map(rows.map((r) => [r.tenant_id, r.global_control_salt]));
}

/** Stores `rows` (one per tenant and recipient) and their rollup deltas. */
export async function storeAudienceRows(client: PoolClient, rows: readonly AudienceRow[]): Promise<void> {
  const deltas = new Deltas();
  const sorted = [...rows].sort((a, b) =>
    a.tenant !== b.tenant ? (a.tenant < b.tenant ? -1 : 1) : a.recipient < b.recipient ? -1 : 1,
  );
  const salts = await saltsOf(client, [...new Set(sorted.map((r) => r.tenant))]);
  for (let i = 0; i < sorted.length; i += CHUNK) {
    const part = sorted.slice(i, i + CHUNK);
    const old = await client.query<{
      tenant_id: string;
      recipient_id: string;
      state: Record<string, string>;
      rolled: boolean;
      control_position: string | null;
    }>(
      `SELECT r.tenant_id, r.recipient_id, r.state, r.rolled, r.control_position FROM recipient_state r
        WHERE (r.tenant_id, r.recipient_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
        ORDER BY r.tenant_id, r.recipient_id FOR UPDATE`,
      [part.map((r) => r.tenant), part.map((r) => r.recipient)],
    );
    const before = new Map(old.rows.map((r) => [`${r.tenant_id} ${r.recipient_id}`, r]));
    const cols: [string[], string[], string[], number[], boolean[], number[], (number | null)[]] = [
      [],
      [],
      [],
      [],
      [],
      [],
      [],
    ];
    for (const a of part) {
      const after = audienceFacts(a.row);
      const prev = before.get(`${a.tenant} ${a.recipient}`);
      const prevFacts = prev ? audienceFacts(prev.state) : null;
      deltas.add(a.tenant, prev?.rolled ? prevFacts : null, after);
      const salt = salts.get(a.tenant);
      const position = salt === undefined ? null : positionOf(a.recipient, salt);
      deltas.addControl(
        a.tenant,
        prevFacts && prev?.control_position != null ? [prevFacts, Number(prev.control_position)] : null,
        position === null ? null : [after, position],
      );
      const [le, sub, lastDay] = typed(a.row, after);
      cols[0].push(a.tenant);
      cols[1].push(a.recipient);
      cols[2].push(JSON.stringify(a.row));
      cols[3].push(le);
      cols[4].push(sub);
      cols[5].push(lastDay);
      cols[6].push(position);
    }
    await client.query(
      `INSERT INTO recipient_state(tenant_id, recipient_id, state, last_engaged_at, subscribed, last_reach_day,
                                   rolled, control_position)
       SELECT t, r, s, le, sub, d, true, cp
         FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::bigint[], $5::boolean[], $6::int[], $7::bigint[])
           AS u(t, r, s, le, sub, d, cp)
       ON CONFLICT (tenant_id, recipient_id) DO UPDATE SET state = EXCLUDED.state,
         last_engaged_at = EXCLUDED.last_engaged_at, subscribed = EXCLUDED.subscribed,
         last_reach_day = EXCLUDED.last_reach_day, rolled = true,
         control_position = EXCLUDED.control_position, updated_at = now()`,
      cols,
    );
  }
  await deltas.store(client);
}

/**
 * Adds up to `limit` rows of tenants that have a global-control salt but whose rows are not in
 * control_rollup yet (written before the salt existed); returns how many.
 */
export async function controlRollIn(client: PoolClient, limit: number): Promise<number> {
  const { rows: tenants } = await client.query<{ tenant_id: string; global_control_salt: string }>(
    `SELECT s.tenant_id, s.global_control_salt FROM tenant_experiment_settings s
      WHERE EXISTS (SELECT 1 FROM recipient_state r WHERE r.tenant_id = s.tenant_id AND r.control_position IS NULL)
      ORDER BY s.tenant_id`,
  );
  let done = 0;
  for (const t of tenants) {
    if (done >= limit) break;
    const { rows } = await client.query<{ recipient_id: string; state: Record<string, string> }>(
      `SELECT recipient_id, state FROM recipient_state WHERE tenant_id = $1 AND control_position IS NULL
        ORDER BY recipient_id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [t.tenant_id, limit - done],
    );
    const deltas = new Deltas();
    const positions = rows.map((r) => positionOf(r.recipient_id, t.global_control_salt));
    rows.forEach((r, i) => deltas.addControl(t.tenant_id, null, [audienceFacts(r.state), positions[i] ?? 0]));
    await client.query(
      `UPDATE recipient_state s SET control_position = u.p
         FROM unnest($2::text[], $3::bigint[]) AS u(r, p)
        WHERE s.tenant_id = $1 AND s.recipient_id = u.r`,
      [t.tenant_id, rows.map((r) => r.recipient_id), positions],
    );
    await deltas.store(client);
    done += rows.length;
  }
  return done;
}

/**
 * Rolls in up to `limit` rows stored before the rollups existed; returns how many it rolled
 * (0: none is left).
 */
export async function rollIn(client: PoolClient, limit: number): Promise<number> {
  const { rows } = await client.query<{
    tenant_id: string;
    recipient_id: string;
    state: Record<string, string>;
  }>(
    `SELECT tenant_id, recipient_id, state FROM recipient_state WHERE NOT rolled
      ORDER BY tenant_id, recipient_id LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  if (rows.length === 0) return 0;
  const deltas = new Deltas();
  const cols: [string[], string[], number[], boolean[], number[]] = [[], [], [], [], []];
  for (const r of rows) {
    const f = audienceFacts(r.state);
    deltas.add(r.tenant_id, null, f);
    const [le, sub, lastDay] = typed(r.state, f);
    cols[0].push(r.tenant_id);
    cols[1].push(r.recipient_id);
    cols[2].push(le);
    cols[3].push(sub);
    cols[4].push(lastDay);
  }
  await client.query(
    `UPDATE recipient_state s SET last_engaged_at = u.le, subscribed = u.sub, last_reach_day = u.d, rolled = true
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::boolean[], $5::int[]) AS u(t, r, le, sub, d)
      WHERE s.tenant_id = u.t AND s.recipient_id = u.r`,
    cols,
  );
  await deltas.store(client);
  return rows.length;
}

/**
 * Days a read may ask about: the longest period's trend reaches AUDIENCE_PERIODS' largest
 * period back from today; a week's margin covers a clock that is a little behind.
 */
export const ROLLUP_KEEP_DAYS = Math.max(...AUDIENCE_PERIODS) + 7;

/**
 * Folds every audience_rollup row older than `floorDay` into one row per tuple on `floorDay`:
 * reads only ever sum the days ≤ t for t ≥ floorDay, and that sum is unchanged, while the rows a
 * read scans stop growing with the history. Returns the rows folded.
 */
export async function compactRollups(client: PoolClient, floorDay: number): Promise<number> {
  const { rowCount } = await client.query(
    `WITH old AS (
       DELETE FROM audience_rollup WHERE day < $1
       RETURNING tenant_id, period, scope, reaches, flags, n
     ), folded AS (
       SELECT tenant_id, period, scope, reaches, flags, sum(n)::bigint AS n FROM old
        GROUP BY tenant_id, period, scope, reaches, flags
     )
     INSERT INTO audience_rollup(tenant_id, period, scope, day, reaches, flags, n)
     SELECT tenant_id, period, scope, $1, reaches, flags, n FROM folded WHERE n <> 0
     ON CONFLICT (tenant_id, period, scope, day, reaches, flags) DO UPDATE SET n = audience_rollup.n + EXCLUDED.n`,
    [floorDay],
  );
  await client.query('DELETE FROM audience_rollup WHERE day = $1 AND n = 0', [floorDay]);
  return rowCount ?? 0;
}
