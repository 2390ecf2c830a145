/**
 * Recording a transition, once. Each is one transaction: a conditional state change (an INSERT
 * that the one-firing-alert-per-scope unique index lets only one writer win, or an UPDATE … WHERE
 * state = the previous state), the transition row, one outbox row per notification channel
 * (none while a silence covers the scope), and a NOTIFY for the live streams — all or nothing.
 * A second evaluator that raced this one changes no row and so records and notifies nothing.
 * Every write is fenced (fence.ts): it carries the evaluator's lease token and is refused, with
 * nothing written, once a newer leader exists; each transition records the token it was made under.
 */
import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from '@tally/db';
import type { AlertNumbers, RuleType } from '@tally/kpi';
import { alertView, type AlertRow, type TransitionKind, type TransitionView } from './alerts-store.ts';
import { fencedTransaction } from './fence.ts';
import type { Fence } from './leader.ts';
import { scopeId, type AlertScope } from './source.ts';

export const TRANSITIONS_CHANNEL = 'tally_alert_transitions';

async function finish(
  client: PoolClient,
  fence: Fence,
  alert: AlertRow,
  kind: TransitionKind,
  at: Date,
  numbers: AlertNumbers,
  autoPause: boolean,
): Promise<TransitionView> {
  const silence = await client.query<{ id: string }>(
    `SELECT id FROM silences WHERE tenant_id = $1 AND scope_kind = $2 AND scope_id = $3
        AND starts_at <= $4 AND ends_at > $4 ORDER BY ends_at DESC LIMIT 1`,
    [alert.tenant_id, alert.scope_kind, alert.scope_id, at],
  );
  const silenceId = silence.rows[0]?.id ?? null;
  const inserted = await client.query<{ id: string }>(
    `INSERT INTO alert_transitions(alert_id, tenant_id, kind, at, numbers, silence_id, leader_token)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [alert.id, alert.tenant_id, kind, at, JSON.stringify(numbers), silenceId, fence.token],
  );
  const transitionId = String(inserted.rows[0]?.id);
  if (silenceId === null) {
    // Pause webhooks are called only when a rule with autoPause fires.
    await client.query(
      `INSERT INTO notification_deliveries(transition_id, channel_id, tenant_id)
       SELECT $1, id, tenant_id FROM notification_channels
        WHERE tenant_id = $2 AND (kind <> 'pause_webhook' OR $3::boolean)`,
      [transitionId, alert.tenant_id, kind === 'fire' && autoPause],
    );
  }
  const view: TransitionView = {
    transitionId,
    kind,
    at: at.toISOString(),
    silenceId,
    alert: alertView(alert),
  };
  await client.query('SELECT pg_notify($1, $2)', [
    TRANSITIONS_CHANNEL,
    JSON.stringify({ tenantId: alert.tenant_id, transition: view }),
  ]);
  return view;
}

export function recordFire(
  pool: Pool,
  fence: Fence,
  t: {
    tenantId: string;
    ruleType: RuleType;
    scope: AlertScope;
    numbers: AlertNumbers;
    at: Date;
    autoPause: boolean;
  },
): Promise<TransitionView | null> {
  return fencedTransaction(pool, fence, async (client) => {
    const id = randomUUID();
    const { rows } = await client.query<AlertRow>(
      `INSERT INTO alerts(id, tenant_id, rule_type, scope_kind, scope_id, state, fired_at, last_notified_at,
                          numbers, last_numbers, dedup_key)
       VALUES ($1, $2, $3, $4, $5, 'firing', $6, $6, $7, $7, $8)
       ON CONFLICT (tenant_id, rule_type, scope_kind, scope_id) WHERE state = 'firing' DO NOTHING
       RETURNING *`,
      [
        id,
        t.tenantId,
        t.ruleType,
        t.scope.kind,
        scopeId(t.scope),
        t.at,
        JSON.stringify(t.numbers),
        `tally-${id}`,
      ],
    );
    const alert = rows[0];
    return alert ? finish(client, fence, alert, 'fire', t.at, t.numbers, t.autoPause) : null;
  });
}

export function recordResolve(
  pool: Pool,
  fence: Fence,
  t: { alertId: string; numbers: AlertNumbers; at: Date },
): Promise<TransitionView | null> {
  return fencedTransaction(pool, fence, async (client) => {
    const { rows } = await client.query<AlertRow>(
      `UPDATE alerts SET state = 'resolved', resolved_at = $2, last_numbers = $3, clear_since = NULL
        WHERE id = $1 AND state = 'firing' RETURNING *`,
      [t.alertId, t.at, JSON.stringify(t.numbers)],
    );
    const alert = rows[0];
    return alert ? finish(client, fence, alert, 'resolve', t.at, t.numbers, false) : null;
  });
}

export function recordRenotify(
  pool: Pool,
  fence: Fence,
  t: { alertId: string; previousNotifiedAt: Date; numbers: AlertNumbers; at: Date },
): Promise<TransitionView | null> {
  return fencedTransaction(pool, fence, async (client) => {
    const { rows } = await client.query<AlertRow>(
      `UPDATE alerts SET last_notified_at = $3, last_numbers = $4, clear_since = NULL
        WHERE id = $1 AND state = 'firing' AND last_notified_at = $2 RETURNING *`,
      [t.alertId, t.previousNotifiedAt, t.at, JSON.stringify(t.numbers)],
    );
    const alert = rows[0];
    return alert ? finish(client, fence, alert, 'renotify', t.at, t.numbers, false) : null;
  });
}

/** Remembers since when a firing alert has been clear, and its latest numbers (no notification). */
export function recordProgress(
  pool: Pool,
  fence: Fence,
  t: { alertId: string; clearSince: Date | null; numbers: AlertNumbers },
): Promise<void> {
  return fencedTransaction(pool, fence, async (client) => {
    await client.query(
      "UPDATE alerts SET clear_since = $2, last_numbers = $3 WHERE id = $1 AND state = 'firing'",
      [t.alertId, t.clearSince, JSON.stringify(t.numbers)],
    );
  });
}
