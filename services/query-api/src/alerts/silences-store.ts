/** Silences: a time-bounded mute of one campaign or sender. Alerts still change state; only notifications stop. */
import type { Pool } from '@tally/db';
import type { ScopeKind } from '@tally/kpi';

export interface SilenceView {
  id: string;
  scope: { kind: ScopeKind; id: string };
  startsAt: string;
  endsAt: string;
  reason: string | null;
  createdAt: string;
}

interface SilenceRow {
  id: string;
  scope_kind: ScopeKind;
  scope_id: string;
  starts_at: Date;
  ends_at: Date;
  reason: string | null;
  created_at: Date;
}

const COLUMNS = 'id, scope_kind, scope_id, starts_at, ends_at, reason, created_at';

function view(r: SilenceRow): SilenceView {
  return {
    id: r.id,
    scope: { kind: r.scope_kind, id: r.scope_id },
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    reason: r.reason,
    createdAt: r.created_at.toISOString(),
  };
}

export async function createSilence(
  pool: Pool,
  tenantId: string,
  s: { kind: ScopeKind; id: string; startsAt: Date; endsAt: Date; reason: string | null },
): Promise<SilenceView> {
  const { rows } = await pool.query<SilenceRow>(
    `INSERT INTO silences(tenant_id, scope_kind, scope_id, starts_at, ends_at, reason)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [tenantId, s.kind, s.id, s.startsAt, s.endsAt, s.reason],
  );
  const row = rows[0];
  if (!row) throw new Error('insert returned no row');
  return view(row);
}

/** Silences that have not ended yet. */
export async function listSilences(pool: Pool, tenantId: string, now: Date): Promise<SilenceView[]> {
  const { rows } = await pool.query<SilenceRow>(
    `SELECT ${COLUMNS} FROM silences WHERE tenant_id = $1 AND ends_at > $2 ORDER BY starts_at`,
    [tenantId, now],
  );
  return rows.map(view);
}

export async function deleteSilence(pool: Pool, tenantId: string, id: string): Promise<boolean> {
  const { rowCount } = await pool.query('DELETE FROM silences WHERE tenant_id = $1 AND id = $2', [
    tenantId,
    id,
  ]);
  return (rowCount ?? 0) > 0;
}
