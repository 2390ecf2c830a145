/**
 * The delivery outbox in Postgres (notification_deliveries). A claim takes due rows with
 * FOR UPDATE SKIP LOCKED (replicas never claim the same row), marks them 'sending' with a lease in
 * next_attempt_at, counts the attempt, and adds one to claim_token. Every outcome is written only
 * for the claim that made it (WHERE claim_token = the claim's): a sender whose claim lapsed while
 * it was stalled cannot overwrite the outcome of the replica that claimed the row next.
 */
import type { Pool } from '@tally/db';
import type { AlertRowJson, TransitionView } from './alerts-store.ts';
import type { ChannelKind } from './render.ts';

export interface Claimed {
  id: string;
  /** The X-Tally-Delivery id: fixed when the delivery was created, the same on every retry. */
  delivery_key: string;
  claim_token: string;
  attempts: number;
  local_refusals: number;
  transition_id: string;
  kind: TransitionView['kind'];
  at: Date;
  silence_id: string | null;
  channel_id: string;
  channel_tenant: string;
  channel_kind: ChannelKind;
  url: string;
  secret: string | null;
  alert: AlertRowJson;
}

export async function claimDue(
  pool: Pool,
  o: { limit: number; leaseMs: number; skipChannels: string[] },
): Promise<Claimed[]> {
  const { rows } = await pool.query<Claimed>(
    `WITH due AS (
       SELECT d.id FROM notification_deliveries d JOIN alert_transitions t ON t.id = d.transition_id
        WHERE d.status IN ('pending', 'sending') AND d.next_attempt_at <= now()
          AND NOT (d.channel_id = ANY($3::uuid[]))
          -- per alert and channel, in order: a resolve never overtakes its trigger's retries
          AND NOT EXISTS (
            SELECT 1 FROM notification_deliveries e JOIN alert_transitions et ON et.id = e.transition_id
             WHERE e.channel_id = d.channel_id AND et.alert_id = t.alert_id AND e.id < d.id
               AND e.status IN ('pending', 'sending'))
        ORDER BY d.next_attempt_at LIMIT $1 FOR UPDATE OF d SKIP LOCKED),
     claimed AS (
       UPDATE notification_deliveries d
          SET status = 'sending', attempts = d.attempts + 1, claim_token = d.claim_token + 1,
              next_attempt_at = now() + $2 * interval '1 millisecond'
         FROM due WHERE d.id = due.id
       RETURNING d.id, d.delivery_key, d.claim_token, d.attempts, d.local_refusals, d.transition_id, d.channel_id)
     SELECT c.id::text, c.delivery_key::text, c.claim_token::text, c.attempts, c.local_refusals,
            c.transition_id::text, t.kind, t.at, t.silence_id, c.channel_id, ch.tenant_id AS channel_tenant,
            ch.kind AS channel_kind, ch.url, ch.secret, to_jsonb(a) AS alert
       FROM claimed c
       JOIN alert_transitions t ON t.id = c.transition_id
       JOIN notification_channels ch ON ch.id = c.channel_id
       JOIN alerts a ON a.id = t.alert_id`,
    [o.limit, o.leaseMs, o.skipChannels],
  );
  return rows;
}

/** Each returns false when the claim is no longer this sender's (nothing was written). */
export async function markDelivered(pool: Pool, d: Claimed): Promise<boolean> {
  const r = await pool.query(
    `UPDATE notification_deliveries SET status = 'delivered', delivered_at = now(), last_error = NULL
      WHERE id = $1 AND claim_token = $2 AND status = 'sending'`,
    [d.id, d.claim_token],
  );
  return r.rowCount === 1;
}

/** A remote failure: the attempt stands; retry after `delayMs`, or fail for good. */
export async function markFailedAttempt(
  pool: Pool,
  d: Claimed,
  o: { final: boolean; error: string; delayMs: number },
): Promise<boolean> {
  const r = await pool.query(
    `UPDATE notification_deliveries
        SET status = $3, last_error = $4, next_attempt_at = now() + $5 * interval '1 millisecond'
      WHERE id = $1 AND claim_token = $2 AND status = 'sending'`,
    [d.id, d.claim_token, o.final ? 'failed' : 'pending', o.error.slice(0, 500), o.delayMs],
  );
  return r.rowCount === 1;
}

/** A local refusal: the claim is given back at once, its attempt not counted. */
export async function releaseRefused(pool: Pool, d: Claimed, refusal: string): Promise<boolean> {
  const r = await pool.query(
    `UPDATE notification_deliveries
        SET status = 'pending', attempts = attempts - 1, local_refusals = local_refusals + 1,
            last_local_refusal = $3, next_attempt_at = now()
      WHERE id = $1 AND claim_token = $2 AND status = 'sending'`,
    [d.id, d.claim_token, refusal.slice(0, 500)],
  );
  return r.rowCount === 1;
}
