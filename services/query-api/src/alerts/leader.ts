/**
 * One evaluator at a time across query-api replicas: a lease in Postgres (`leader_leases`), not a
 * lock tied to a connection, so a leader that hangs without dying (SIGSTOP, a stuck event loop)
 * loses it when it stops renewing.
 *
 * - Every `renewMs` the holder renews the lease for `ttlMs`, and a standby takes it if it has
 *   expired (one statement each; expiry is judged by Postgres's clock, never a replica's).
 * - Each acquisition adds one to the lease's fencing token. Writes made under the lease carry it
 *   (fence.ts) and are refused once a newer token exists.
 * - The holder believes it leads only until `sent + ttlMs` on its own monotonic clock, where
 *   `sent` is when it sent the renewal that succeeded: Postgres set the expiry from a later
 *   instant, so the holder always stops believing before a standby can take over. A holder that
 *   was stalled past that instant finds itself a follower when it wakes, before any other step.
 * - A lost connection is not lost leadership: the next renewal reconnects, within the TTL.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import type { Logger } from '@tally/logging';
import { startLoop, type Loop } from './loop.ts';

/** The lease of the alert evaluator. */
export const EVALUATOR_LEASE = 'alert_evaluator';

/** What a write under the lease carries (fence.ts). */
export interface Fence {
  readonly lease: string;
  readonly token: number;
  /** How long a fenced transaction may hold the lease row or sit idle (half the TTL). */
  readonly holdMs: number;
}

export interface Leader {
  /** `<host>:<pid>:<random>`, the `holder` column while this instance leads. */
  readonly holderId: string;
  /** Starts the renew/acquire loop (every renewMs). */
  start(): void;
  /** One step now: renew the lease if held, take it if free. The fence, or null. */
  acquire(): Promise<Fence | null>;
  /** The fence while the lease is valid on this instance's clock, else null. */
  current(): Fence | null;
  isLeader(): boolean;
  /** Gives leadership up at once (a write was fenced: someone else holds a newer token). */
  lost(reason: string): void;
  /** Stops the loop and ends the lease so a standby takes it on its next step. */
  release(): Promise<void>;
}

export interface LeaderOptions {
  connectionString: string;
  logger: Logger;
  ttlMs: number;
  renewMs: number;
  lease?: string;
  /** Called when this instance becomes leader (true) or stops being it (false). */
  onChange?: (leader: boolean) => void;
}

const ACQUIRE_SQL = `
  INSERT INTO leader_leases AS l (name, holder, token, expires_at, acquired_at, renewed_at)
  SELECT $1, $2, 1, now() + $3 * interval '1 millisecond', now(), now()
   WHERE NOT EXISTS (SELECT 1 FROM leader_leases WHERE name = $1 AND expires_at > now())
  ON CONFLICT (name) DO UPDATE
     SET holder = EXCLUDED.holder, token = l.token + 1, expires_at = EXCLUDED.expires_at,
         acquired_at = EXCLUDED.acquired_at, renewed_at = EXCLUDED.renewed_at
   WHERE l.expires_at <= now()
  RETURNING token::text`;

const RENEW_SQL = `
  UPDATE leader_leases SET expires_at = now() + $4 * interval '1 millisecond', renewed_at = now()
   WHERE name = $1 AND holder = $2 AND token = $3 AND expires_at > now()
  RETURNING token::text`;

const RELEASE_SQL = `UPDATE leader_leases SET expires_at = now() WHERE name = $1 AND holder = $2 AND token = $3`;

interface Term {
  fence: Fence;
  validUntil: number;
}

export function createLeader(opts: LeaderOptions): Leader {
  const lease = opts.lease ?? EVALUATOR_LEASE;
  const holderId = `${hostname()}:${String(process.pid)}:${randomUUID().slice(0, 8)}`;
  const log = opts.logger.child({ component: 'alert_leader', holder: holderId });
  const holdMs = Math.floor(opts.ttlMs / 2);
  let client: pg.Client | undefined;
  let term: Term | undefined;
  let loop: Loop | undefined;
  let stepping: Promise<Fence | null> | undefined;
  let released = false;

  const drop = (reason: string) => {
    if (!term) return;
    log.warn({ reason, token: term.fence.token }, 'alert_leadership_lost');
    term = undefined;
    opts.onChange?.(false);
  };

  const current = (): Fence | null => {
    if (term && performance.now() >= term.validUntil) drop('lease_expired');
    return term?.fence ?? null;
  };

  const connection = async (): Promise<pg.Client> => {
    if (client) return client;
    const c = new pg.Client({
      connectionString: opts.connectionString,
      application_name: 'tally-alert-leader',
      statement_timeout: opts.renewMs,
      lock_timeout: opts.renewMs,
      query_timeout: opts.ttlMs,
    });
    const forget = () => {
      if (client === c) client = undefined;
    };
    c.on('error', (err) => {
      log.warn({ err: err.message }, 'alert_leader_connection_error');
      forget();
    });
    c.on('end', forget);
    client = c;
    try {
      await c.connect();
    } catch (err) {
      forget();
      throw err;
    }
    return c;
  };

  async function step(): Promise<Fence | null> {
    const held = current();
    const c = await connection();
    const sent = performance.now();
    if (held) {
      const { rows } = await c.query<{ token: string }>(RENEW_SQL, [lease, holderId, held.token, opts.ttlMs]);
      if (term?.fence !== held) return current(); // dropped while renewing
      if (rows.length === 0) drop('lease_taken');
      else term = { fence: held, validUntil: sent + opts.ttlMs };
      return current();
    }
    const { rows } = await c.query<{ token: string }>(ACQUIRE_SQL, [lease, holderId, opts.ttlMs]);
    const token = rows[0] ? Number(rows[0].token) : undefined;
    if (token === undefined) return null;
    // Taken even while release() waits for this step: release() then ends it at once.
    term = { fence: { lease, token, holdMs }, validUntil: sent + opts.ttlMs };
    log.info({ lease, token, ttl_ms: opts.ttlMs }, 'alert_leadership_acquired');
    opts.onChange?.(true);
    return term.fence;
  }

  /** One step at a time: the loop and a direct acquire() never overlap. */
  const acquire = (): Promise<Fence | null> =>
    released
      ? Promise.resolve(null)
      : (stepping ??= step()
          .catch((err: unknown) => {
            log.warn({ err: err instanceof Error ? err.message : String(err) }, 'alert_lease_step_failed');
            client?.end().catch(() => undefined);
            client = undefined;
            return current();
          })
          .finally(() => (stepping = undefined)));

  return {
    holderId,
    start() {
      if (released) return;
      loop ??= startLoop({
        name: 'alert_lease',
        intervalMs: opts.renewMs,
        logger: log,
        run: async () => void (await acquire()),
      });
    },
    acquire,
    current,
    isLeader: () => current() !== null,
    lost: drop,
    async release() {
      released = true;
      await loop?.stop();
      await stepping;
      const held = term?.fence;
      term = undefined;
      if (held) {
        try {
          await (await connection()).query(RELEASE_SQL, [lease, holderId, held.token]);
          log.info({ token: held.token }, 'alert_leadership_released');
        } catch (err) {
          // It expires by itself within the TTL.
          log.warn({ err: err instanceof Error ? err.message : String(err) }, 'alert_lease_release_failed');
        }
        opts.onChange?.(false);
      }
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
