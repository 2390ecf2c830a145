/**
 * Resolves API keys to tenants with an in-process cache, so a request costs no Postgres round
 * trip once its key was seen, and a flood of bad keys does not become a flood of queries:
 * - known keys are kept `ttlMs` (and never past a revocation scheduled for them), unknown ones
 *   `negativeTtlMs`, each in its own bounded LRU (so bad keys never push out good ones), by the
 *   key's SHA-256 (no key is held in memory);
 * - lookups of one key already in flight share one query;
 * - a client (IP) whose lookups failed more than `failuresPerMinute` in a minute gets
 *   AuthRateLimitedError, without a query, until its budget refills — keys known before (even
 *   past `ttlMs`, while still in the LRU) keep working meanwhile;
 * - with `listen`, the resolver LISTENs on API_KEYS_CHANNEL and drops a cached "unknown" the
 *   moment any process adds that key (addApiKey), so a new key works at once; and on
 *   API_KEY_REVOKED_CHANNEL, dropping a revoked key the moment it is revoked (api-keys.ts), so it
 *   is refused on the next request. Each time LISTEN (re)starts both caches are emptied
 *   (announcements sent while it was down are lost). Without it, or while that connection is down,
 *   a key presented before it existed works `negativeTtlMs` later at most, and a revoked key stops
 *   working `ttlMs` later at most.
 */
import pg from 'pg';
import { createAuthFailureLimiter } from './auth-failures.ts';
import { Lru } from './lru.ts';
import { API_KEY_REVOKED_CHANNEL } from './api-keys.ts';
import { API_KEYS_CHANNEL, hashApiKey, keyForHash, type Tenant } from './tenants.ts';

export interface ApiKeyResolver {
  /** The key's tenant, or undefined; throws AuthRateLimitedError when `client` must wait. */
  resolve(key: string, client?: string): Promise<Tenant | undefined>;
  /** Resolves once new keys are being listened for (at once without `listen`). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export class AuthRateLimitedError extends Error {
  constructor(readonly retryAfterMs: number) {
    super('too many failed authentications from this client');
    this.name = 'AuthRateLimitedError';
  }
}

export interface ApiKeyResolverOptions {
  ttlMs?: number;
  negativeTtlMs?: number;
  /** Per cache (known and unknown keys each). */
  maxEntries?: number;
  failuresPerMinute?: number;
  /** LISTEN for new keys on this database (a dedicated connection). */
  listen?: { connectionString: string; onError?: (err: Error) => void };
  now?: () => number;
}

export const API_KEY_DEFAULTS = {
  ttlMs: 10_000,
  negativeTtlMs: 5_000,
  maxEntries: 10_000,
  failuresPerMinute: 30,
} as const;

export function createApiKeyResolver(pool: pg.Pool, opts: ApiKeyResolverOptions = {}): ApiKeyResolver {
  const o = { ...API_KEY_DEFAULTS, ...opts };
  const now = opts.now ?? Date.now;
  /** Known keys: the tenant, and when the key's scheduled revocation ends it (Infinity: none). */
  const known = new Lru<{ tenant: Tenant; until: number }>(o.maxEntries);
  const unknown = new Lru<true>(o.maxEntries);
  const inFlight = new Map<string, ReturnType<typeof keyForHash>>();
  const failures = createAuthFailureLimiter({ perMinute: o.failuresPerMinute });
  /** Revocations announced so far: a lookup that began before one is not cached. */
  let revocations = 0;
  const listener = opts.listen
    ? listenForKeyChanges(opts.listen, {
        added: (hash) => unknown.delete(hash),
        revoked: (hash) => {
          known.delete(hash);
          // a lookup already in flight may have read the key before its revocation: it is not
          // shared with later requests, nor kept
          inFlight.delete(hash);
          revocations += 1;
        },
        listening: () => {
          unknown.clear();
          known.clear();
        },
      })
    : undefined;

  const lookup = (hash: string) => {
    let p = inFlight.get(hash);
    if (!p) {
      const q = keyForHash(pool, hash).finally(() => {
        if (inFlight.get(hash) === q) inFlight.delete(hash);
      });
      inFlight.set(hash, q);
      p = q;
    }
    return p;
  };

  return {
    async resolve(key, client) {
      const hash = hashApiKey(key);
      const t = now();
      const hit = known.get(hash, t);
      if (hit) return hit.tenant;
      if (client !== undefined) {
        const wait = failures.retryAfterMs(client, t);
        // a key known before stays usable while its client is limited: behind a shared address
        // (a proxy without TRUST_PROXY_HOPS, a NAT) one flood must not lock everyone out
        const stale = known.peek(hash);
        if (wait > 0 && stale && stale.until > t) return stale.tenant;
        if (wait > 0) throw new AuthRateLimitedError(wait);
      }
      const seen = revocations;
      const found = unknown.get(hash, t) ? undefined : await lookup(hash);
      if (found) {
        const until = found.revokesAt ?? Infinity;
        if (seen === revocations)
          known.set(hash, { tenant: found.tenant, until }, Math.min(now() + o.ttlMs, until));
        return found.tenant;
      }
      unknown.set(hash, true, now() + o.negativeTtlMs);
      if (client !== undefined) failures.fail(client, now());
      return undefined;
    },
    ready: () => listener?.ready ?? Promise.resolve(),
    close: () => listener?.close() ?? Promise.resolve(),
  };
}

interface KeyListener {
  /** Resolves once LISTEN is active (the first time). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * A LISTEN connection that calls `added` per new key and `revoked` per revoked one (their hashes),
 * and `listening` each time LISTEN becomes active (notifications sent while it was down are lost:
 * the caller forgets what they could have changed); reconnects a second after a loss.
 */
function listenForKeyChanges(
  opts: { connectionString: string; onError?: (err: Error) => void },
  on: { added: (hash: string) => void; revoked: (hash: string) => void; listening: () => void },
): KeyListener {
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const drop = (c: pg.Client) => {
    c.removeAllListeners();
    c.on('error', () => undefined);
    return c.end().catch(() => undefined);
  };
  const connect = async () => {
    const c = new pg.Client({ connectionString: opts.connectionString, application_name: 'tally-api-keys' });
    client = c;
    let dead = false;
    const lost = (err: Error) => {
      if (dead) return;
      dead = true;
      opts.onError?.(err);
      void drop(c);
      if (client === c) client = undefined;
      if (!closed) (retry = setTimeout(() => void connect(), 1000)).unref();
    };
    c.on('error', lost);
    c.on('end', () => lost(new Error('api key listener connection ended')));
    c.on('notification', (msg) => {
      if (!msg.payload) return;
      if (msg.channel === API_KEYS_CHANNEL) on.added(msg.payload);
      else if (msg.channel === API_KEY_REVOKED_CHANNEL) on.revoked(msg.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${API_KEYS_CHANNEL}`);
      await c.query(`LISTEN ${API_KEY_REVOKED_CHANNEL}`);
      on.listening();
      markReady();
    } catch (err) {
      lost(err as Error);
    }
  };
  void connect();
  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      markReady();
      if (c) await drop(c);
    },
  };
}
