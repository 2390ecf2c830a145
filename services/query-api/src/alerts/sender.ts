/**
 * The outbox sender. Every tick it claims due deliveries (FOR UPDATE SKIP LOCKED, so replicas
 * never claim the same row) up to its free concurrency slots, marks them 'sending' with a lease,
 * and sends each on its own — no delivery waits for another, and each has its own timeout, so a
 * slow or dead channel delays no other. A 2xx marks it delivered; anything else schedules a retry
 * with exponential backoff until max attempts, then 'failed'. A sender that dies mid-send leaves
 * the row 'sending' until the lease ends, when it is claimed again (at-least-once; receivers can
 * dedupe on X-Tally-Delivery).
 */
import type { Pool } from '@tally/db';
import type { Logger } from '@tally/logging';
import { alertRowFromJson, alertView, type AlertRowJson, type TransitionView } from './alerts-store.ts';
import { backoffMs } from './backoff.ts';
import type { ChannelSealer } from './channel-secrets.ts';
import { postJson } from './http-post.ts';
import { startLoop, type Loop } from './loop.ts';
import { renderNotification, type ChannelKind } from './render.ts';

export interface SenderOptions {
  pool: Pool;
  /** Opens the channel's sealed URL and secret. */
  sealer: ChannelSealer;
  logger: Logger;
  intervalMs: number;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  concurrency: number;
  allowPrivate: boolean;
  onOutcome?: (channel: ChannelKind, outcome: 'delivered' | 'retry' | 'failed') => void;
}

interface Claimed {
  id: string;
  attempts: number;
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

export interface Sender {
  start(): void;
  /** Stops claiming and waits for the deliveries in flight. */
  drain(): Promise<void>;
  /** One claim round (tests and the loop). */
  pump(): Promise<number>;
}

export function createSender(o: SenderOptions): Sender {
  const log = o.logger.child({ component: 'alert_sender' });
  const inFlight = new Set<Promise<void>>();
  let loop: Loop | undefined;
  let draining = false;

  async function claim(limit: number): Promise<Claimed[]> {
    const leaseMs = o.timeoutMs + 5000;
    const { rows } = await o.pool.query<Claimed>(
      `WITH due AS (
         SELECT d.id FROM notification_deliveries d JOIN alert_transitions t ON t.id = d.transition_id
          WHERE d.status IN ('pending', 'sending') AND d.next_attempt_at <= now()
            -- per alert and channel, in order: a resolve never overtakes its trigger's retries
            AND NOT EXISTS (
              SELECT 1 FROM notification_deliveries e JOIN alert_transitions et ON et.id = e.transition_id
               WHERE e.channel_id = d.channel_id AND et.alert_id = t.alert_id AND e.id < d.id
                 AND e.status IN ('pending', 'sending'))
          ORDER BY d.next_attempt_at LIMIT $1 FOR UPDATE OF d SKIP LOCKED),
       claimed AS (
         UPDATE notification_deliveries d
            SET status = 'sending', attempts = d.attempts + 1,
                next_attempt_at = now() + $2 * interval '1 millisecond'
           FROM due WHERE d.id = due.id
         RETURNING d.id, d.attempts, d.transition_id, d.channel_id)
       SELECT c.id::text, c.attempts, c.transition_id::text, t.kind, t.at, t.silence_id, c.channel_id,
              ch.tenant_id AS channel_tenant, ch.kind AS channel_kind, ch.url, ch.secret, to_jsonb(a) AS alert
         FROM claimed c
         JOIN alert_transitions t ON t.id = c.transition_id
         JOIN notification_channels ch ON ch.id = c.channel_id
         JOIN alerts a ON a.id = t.alert_id`,
      [limit, leaseMs],
    );
    return rows;
  }

  async function settle(d: Claimed, error: string | null): Promise<void> {
    o.onOutcome?.(
      d.channel_kind,
      error === null ? 'delivered' : d.attempts >= o.maxAttempts ? 'failed' : 'retry',
    );
    if (error === null) {
      await o.pool.query(
        `UPDATE notification_deliveries SET status = 'delivered', delivered_at = now(), last_error = NULL
          WHERE id = $1 AND status = 'sending'`,
        [d.id],
      );
      log.info(
        { delivery_id: d.id, channel_id: d.channel_id, kind: d.channel_kind, attempts: d.attempts },
        'notification_delivered',
      );
      return;
    }
    const final = d.attempts >= o.maxAttempts;
    const delay = backoffMs(d.attempts, o.retryBaseMs, o.retryMaxMs, Math.random());
    await o.pool.query(
      `UPDATE notification_deliveries
          SET status = $2, last_error = $3, next_attempt_at = now() + $4 * interval '1 millisecond'
        WHERE id = $1 AND status = 'sending'`,
      [d.id, final ? 'failed' : 'pending', error.slice(0, 500), delay],
    );
    log.warn(
      {
        delivery_id: d.id,
        channel_id: d.channel_id,
        kind: d.channel_kind,
        attempts: d.attempts,
        error,
        final,
      },
      final ? 'notification_failed' : 'notification_retry_scheduled',
    );
  }

  async function send(d: Claimed): Promise<void> {
    let error: string | null = null;
    try {
      const view: TransitionView = {
        transitionId: d.transition_id,
        kind: d.kind,
        at: d.at.toISOString(),
        silenceId: d.silence_id,
        alert: alertView(alertRowFromJson(d.alert)),
      };
      const open = (field: 'url' | 'secret', stored: string) =>
        o.sealer.open(d.channel_tenant, d.channel_id, field, stored);
      const url = open('url', d.url);
      const secret = d.secret === null ? null : open('secret', d.secret);
      const req = renderNotification(
        { id: d.channel_id, kind: d.channel_kind, url, secret },
        view,
        d.id,
        new Date(),
      );
      const res = await postJson(url, req.body, req.headers, {
        timeoutMs: o.timeoutMs,
        allowPrivate: o.allowPrivate,
      });
      if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    await settle(d, error);
  }

  async function pump(): Promise<number> {
    const free = o.concurrency - inFlight.size;
    if (free <= 0 || draining) return 0;
    const claimed = await claim(free);
    for (const d of claimed) {
      const p: Promise<void> = send(d)
        .catch((err: unknown) => log.error({ err, delivery_id: d.id }, 'notification_settle_failed'))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    return claimed.length;
  }

  return {
    start() {
      loop ??= startLoop({
        name: 'alert_sender',
        intervalMs: o.intervalMs,
        logger: log,
        run: async () => void (await pump()),
      });
    },
    async drain() {
      draining = true;
      await loop?.stop();
      await Promise.allSettled([...inFlight]);
    },
    pump,
  };
}
