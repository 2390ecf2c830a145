/**
 * The outbox sender. Every tick it claims due deliveries (outbox.ts) up to its free concurrency
 * slots and sends each on its own — no delivery waits for another, and each has its own timeout,
 * so a slow or dead channel delays no other. Then, for the claim it made (claim_token):
 * - a 2xx marks it delivered;
 * - a remote failure (failure.ts) counts as an attempt: retry with exponential backoff until
 *   max attempts, then 'failed';
 * - a local refusal (this replica cannot reach the channel: DNS, connection refused, the SSRF
 *   guard, a key that does not open it) gives the claim back without spending an attempt, and this
 *   replica leaves the channel alone for a while (channel-backoff.ts) so another replica sends it.
 *   After maxLocalRefusals of them a delivery's local refusals count as attempts, so one that no
 *   replica can send still ends.
 * A sender that dies mid-send leaves the row 'sending' until the lease ends, when it is claimed
 * again (at-least-once; receivers drop duplicates by X-Tally-Delivery, a UUID fixed per delivery).
 */
import type { LookupFunction } from 'node:net';
import type { Pool } from '@tally/db';
import type { Logger } from '@tally/logging';
import { alertRowFromJson, alertView, type TransitionView } from './alerts-store.ts';
import { backoffMs } from './backoff.ts';
import { ChannelBackoff } from './channel-backoff.ts';
import type { ChannelSealer } from './channel-secrets.ts';
import { classifyFailure, httpFailure, unreadableChannel, type Failure } from './failure.ts';
import { PostError, postJson } from './http-post.ts';
import { startLoop, type Loop } from './loop.ts';
import { claimDue, markDelivered, markFailedAttempt, releaseRefused, type Claimed } from './outbox.ts';
import { renderNotification, type ChannelKind } from './render.ts';

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed' | 'local_refusal';

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
  /** This replica's backoff from a channel it could not reach, doubling from base to max. */
  localBackoffBaseMs: number;
  localBackoffMaxMs: number;
  /** Local refusals of one delivery before they count as attempts. */
  maxLocalRefusals: number;
  /** Name resolution when private URLs are allowed (default: the system's). */
  lookup?: LookupFunction;
  onOutcome?: (channel: ChannelKind, outcome: DeliveryOutcome) => void;
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
  const backoff = new ChannelBackoff(o.localBackoffBaseMs, o.localBackoffMaxMs);
  let loop: Loop | undefined;
  let draining = false;

  const fields = (d: Claimed) => ({
    delivery_id: d.id,
    delivery_key: d.delivery_key,
    channel_id: d.channel_id,
    kind: d.channel_kind,
  });

  async function delivered(d: Claimed): Promise<void> {
    o.onOutcome?.(d.channel_kind, 'delivered');
    if (!(await markDelivered(o.pool, d))) return lapsed(d);
    log.info({ ...fields(d), attempts: d.attempts }, 'notification_delivered');
  }

  async function failedAttempt(d: Claimed, f: Failure): Promise<void> {
    const final = d.attempts >= o.maxAttempts;
    o.onOutcome?.(d.channel_kind, final ? 'failed' : 'retry');
    const delayMs = backoffMs(d.attempts, o.retryBaseMs, o.retryMaxMs, Math.random());
    if (!(await markFailedAttempt(o.pool, d, { final, error: f.detail, delayMs }))) return lapsed(d);
    log.warn(
      { ...fields(d), attempts: d.attempts, reason: f.reason, error: f.detail, final },
      final ? 'notification_failed' : 'notification_retry_scheduled',
    );
  }

  async function refused(d: Claimed, f: Failure): Promise<void> {
    if (d.local_refusals >= o.maxLocalRefusals) {
      const detail = `${f.detail} (local refusals exhausted: ${String(d.local_refusals)})`;
      return failedAttempt(d, { ...f, detail });
    }
    o.onOutcome?.(d.channel_kind, 'local_refusal');
    const awayMs = backoff.refuse(d.channel_id, Date.now(), Math.random());
    if (!(await releaseRefused(o.pool, d, `${f.reason}: ${f.detail}`))) return lapsed(d);
    log.warn(
      {
        ...fields(d),
        reason: f.reason,
        error: f.detail,
        local_refusals: d.local_refusals + 1,
        backoff_ms: awayMs,
      },
      'notification_refused_locally',
    );
  }

  function lapsed(d: Claimed): void {
    // The claim lease ran out (a stalled sender) and another replica claimed it since.
    log.warn({ ...fields(d), claim_token: d.claim_token }, 'notification_claim_lapsed');
  }

  /** Opens the channel and sends; the failure, or null when delivered. */
  async function attempt(d: Claimed): Promise<Failure | null> {
    let url: string;
    let secret: string | null;
    try {
      url = o.sealer.open(d.channel_tenant, d.channel_id, 'url', d.url);
      secret = d.secret === null ? null : o.sealer.open(d.channel_tenant, d.channel_id, 'secret', d.secret);
    } catch (err) {
      return unreadableChannel(err);
    }
    try {
      const view: TransitionView = {
        transitionId: d.transition_id,
        kind: d.kind,
        at: d.at.toISOString(),
        silenceId: d.silence_id,
        alert: alertView(alertRowFromJson(d.alert)),
      };
      const req = renderNotification(
        { id: d.channel_id, kind: d.channel_kind, url, secret },
        view,
        d.delivery_key,
        new Date(),
      );
      const res = await postJson(url, req.body, req.headers, {
        timeoutMs: o.timeoutMs,
        allowPrivate: o.allowPrivate,
        ...(o.lookup ? { lookup: o.lookup } : {}),
      });
      return res.status >= 200 && res.status < 300 ? null : httpFailure(res.status);
    } catch (err) {
      return err instanceof PostError
        ? classifyFailure(err.cause, err.connected)
        : classifyFailure(err, false);
    }
  }

  async function send(d: Claimed): Promise<void> {
    const failure = await attempt(d);
    if (failure?.class === 'local') return refused(d, failure);
    backoff.reached(d.channel_id);
    return failure ? failedAttempt(d, failure) : delivered(d);
  }

  async function pump(): Promise<number> {
    const free = o.concurrency - inFlight.size;
    if (free <= 0 || draining) return 0;
    const claimed = await claimDue(o.pool, {
      limit: free,
      leaseMs: o.timeoutMs + 5000,
      skipChannels: backoff.blocked(Date.now()),
    });
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
