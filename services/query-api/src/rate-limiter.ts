/**
 * The per-tenant rate limit of docs/api.md: `limit` requests per tenant per wall-clock minute,
 * shared by every replica through one Redis counter per tenant and minute (`P:rl:{T}:<minute>`).
 *
 * A request costs no Redis round trip: it is counted here, and every `syncMs` the increments are
 * added to the shared counter (one MULTI INCRBY + PEXPIRE per key, all sent at once), whose
 * answer is the total of every replica so far. A request is over the limit when that total plus
 * the increments not yet acknowledged exceed `limit`. Alone, a replica's count is exact; with
 * several, each learns the others' requests within one sync, so the shared budget can be overshot
 * by what the other replicas let through in that time.
 *
 * When Redis does not answer, increments are kept and retried at the next sync, and each replica
 * limits by what it knows: the limiter never waits on Redis, so it never becomes an outage itself.
 */
import type { RedisClient } from '@tally/redis';
import type { RedisKeys } from '@tally/counters';
import type { Logger } from '@tally/logging';

export interface RateDecision {
  limit: number;
  /** Requests of the tenant in this minute that this replica knows of, this one included. */
  used: number;
  /** Milliseconds since the epoch at which the minute ends. */
  resetAt: number;
}

export interface RateLimiter {
  /** Counts one request of `tenant` at `now` (ms). */
  hit(tenant: string, now: number): RateDecision;
  /** Sends the pending increments now (also done on a timer and by close). */
  sync(): Promise<void>;
  close(): Promise<void>;
}

interface Counter {
  minute: number;
  /** The shared total at the last acknowledged sync (every replica's requests). */
  shared: number;
  /** Counted here, sent with the sync in flight. */
  sending: number;
  /** Counted here, not yet sent. */
  pending: number;
}

/** The shared counters outlive their minute by one more, then expire. */
const KEY_TTL_MS = 120_000;

export function createRateLimiter(opts: {
  redis: RedisClient;
  keys: RedisKeys;
  logger: Logger;
  limit: number;
  syncMs: number;
}): RateLimiter {
  const counters = new Map<string, Counter>();
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let failing = false;
  let closed = false;

  const schedule = () => {
    if (timer || closed) return;
    timer = setTimeout(() => void sync(), opts.syncMs);
    timer.unref();
  };

  async function send(): Promise<void> {
    const current = Math.floor(Date.now() / 60_000);
    const batch: [string, Counter, number][] = [];
    for (const [key, c] of counters) {
      if (c.pending > 0) {
        batch.push([key, c, c.pending]);
        c.sending += c.pending;
        c.pending = 0;
      } else if (c.sending === 0 && c.minute < current) counters.delete(key);
    }
    const results = await Promise.allSettled(
      batch.map(([key, , n]) => opts.redis.multi().incrby(key, n).pexpire(key, KEY_TTL_MS).exec()),
    );
    let failed: unknown;
    results.forEach((r, i) => {
      const [, c, n] = batch[i] as [string, Counter, number];
      c.sending -= n;
      const total = r.status === 'fulfilled' ? Number(r.value?.[0]?.[1]) : NaN;
      if (Number.isFinite(total)) c.shared = Math.max(c.shared, total);
      else {
        failed ??= r.status === 'rejected' ? r.reason : r.value?.[0]?.[0];
        // a past minute no longer decides anything: its increments are dropped, not retried
        if (c.minute >= current) c.pending += n;
      }
    });
    if (failed !== undefined && !failing)
      opts.logger.warn({ err: (failed as Error | null)?.message }, 'rate_limit_sync_failed');
    failing = failed !== undefined;
  }

  function sync(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    inFlight ??= send().finally(() => {
      inFlight = undefined;
      if ([...counters.values()].some((c) => c.pending > 0)) schedule();
    });
    return inFlight;
  }

  return {
    hit(tenant, now) {
      const minute = Math.floor(now / 60_000);
      const key = opts.keys.rateLimit(tenant, minute);
      let c = counters.get(key);
      if (!c) {
        c = { minute, shared: 0, sending: 0, pending: 0 };
        counters.set(key, c);
      }
      c.pending += 1;
      schedule();
      return { limit: opts.limit, used: c.shared + c.sending + c.pending, resetAt: (minute + 1) * 60_000 };
    },
    sync,
    async close() {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      await inFlight;
      await sync();
    },
  };
}
