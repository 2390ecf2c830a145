/** Reading alerts from Postgres, and the shape they are shown in (API, stream, notifications). */
import type { Pool } from '@tally/db';
import type { AlertNumbers, RuleType, ScopeKind } from '@tally/kpi';

export interface AlertRow {
  id: string;
  tenant_id: string;
  rule_type: RuleType;
  scope_kind: ScopeKind;
  scope_id: string;
  state: 'firing' | 'resolved';
  fired_at: Date;
  resolved_at: Date | null;
  last_notified_at: Date;
  clear_since: Date | null;
  numbers: AlertNumbers;
  last_numbers: AlertNumbers;
  dedup_key: string;
}

export interface AlertView {
  id: string;
  ruleType: RuleType;
  scope: { kind: ScopeKind; id: string };
  state: 'firing' | 'resolved';
  firedAt: string;
  resolvedAt: string | null;
  lastNotifiedAt: string;
  /**
   * Firing only: since when its condition has been clear (null while it breaches). It resolves once
   * clear for the rule's `resolveAfterSeconds`: a screen can say "clearing — resolves in about N min".
   */
  clearSince: string | null;
  numbers: AlertNumbers;
  lastNumbers: AlertNumbers;
  dedupKey: string;
}

export type TransitionKind = 'fire' | 'resolve' | 'renotify';

export interface TransitionView {
  transitionId: string;
  kind: TransitionKind;
  at: string;
  /** The silence that suppressed its notifications, if any. */
  silenceId: string | null;
  alert: AlertView;
}

/** An alert row read through to_jsonb(): timestamps arrive as strings. */
export type AlertRowJson = Omit<AlertRow, 'fired_at' | 'resolved_at' | 'last_notified_at' | 'clear_since'> & {
  fired_at: string;
  resolved_at: string | null;
  last_notified_at: string;
  clear_since: string | null;
};

export function alertRowFromJson(j: AlertRowJson): AlertRow {
  const date = (s: string | null) => (s === null ? null : new Date(s));
  return {
    ...j,
    fired_at: new Date(j.fired_at),
    resolved_at: date(j.resolved_at),
    last_notified_at: new Date(j.last_notified_at),
    clear_since: date(j.clear_since),
  };
}

export function alertView(r: AlertRow): AlertView {
  return {
    id: r.id,
    ruleType: r.rule_type,
    scope: { kind: r.scope_kind, id: r.scope_id },
    state: r.state,
    firedAt: r.fired_at.toISOString(),
    resolvedAt: r.resolved_at?.toISOString() ?? null,
    lastNotifiedAt: r.last_notified_at.toISOString(),
    clearSince: r.state === 'firing' ? (r.clear_since?.toISOString() ?? null) : null,
    numbers: r.numbers,
    lastNumbers: r.last_numbers,
    dedupKey: r.dedup_key,
  };
}

export async function listAlerts(
  pool: Pool,
  tenantId: string,
  opts: { state?: 'firing' | 'resolved'; limit: number },
): Promise<AlertView[]> {
  const { rows } = await pool.query<AlertRow>(
    `SELECT * FROM alerts WHERE tenant_id = $1 AND ($2::text IS NULL OR state = $2)
      ORDER BY fired_at DESC LIMIT $3`,
    [tenantId, opts.state ?? null, opts.limit],
  );
  return rows.map(alertView);
}

export async function loadFiring(pool: Pool, tenantId: string): Promise<AlertRow[]> {
  const { rows } = await pool.query<AlertRow>(
    "SELECT * FROM alerts WHERE tenant_id = $1 AND state = 'firing'",
    [tenantId],
  );
  return rows;
}

export async function tenantsWithFiring(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ tenant_id: string }>(
    "SELECT DISTINCT tenant_id FROM alerts WHERE state = 'firing'",
  );
  return rows.map((r) => r.tenant_id);
}

export function firingKey(ruleType: RuleType, kind: ScopeKind, id: string): string {
  return JSON.stringify([ruleType, kind, id]);
}
