/**
 * Heavy reads — the audience, value, send-time and benchmark routes, and time series that reach
 * the Postgres rollups — take a turn from a per-replica concurrency limiter
 * (HEAVY_READ_CONCURRENCY at once, of which one tenant holds at most HEAVY_READ_TENANT_CONCURRENCY,
 * so a tenant's reads in a loop never take the turns another tenant needs; HEAVY_READ_QUEUE per
 * tenant waiting at most HEAVY_READ_WAIT_MS, freed turns going to the tenants in rotation) and query
 * through a pool of their own whose statements Postgres cancels after HEAVY_STATEMENT_TIMEOUT_MS.
 * Whatever cannot be answered in time — no turn, a cancelled statement, no connection — is a 503
 * `overloaded` with Retry-After, within about wait + statement timeout; the main pool (API keys,
 * alerts, readiness) is never taken by them. A read already in its turn does not take another.
 *
 * Identical reads in flight share one computation (single flight): a read whose tenant, route,
 * path parameters and validated query equal one already running waits for that one's answer
 * instead of taking a turn and computing it again — so a dashboard team opening the same page
 * costs one computation, and 503 stays for real overload (many different reads). Nothing is kept
 * once the computation settles: a later read computes afresh. `query_api_heavy_reads_total`
 * counts reads by route and result (`computed` or `shared`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import { createPool, isPostgresOverload, type Pool } from '@tally/db';
import { AppError } from '@tally/http';
import { createConcurrencyLimiter, OverloadedError } from './concurrency-limiter.ts';

/** Queries one heavy read runs at once (the silent-disengagement route runs three). */
export const QUERIES_PER_READ = 3;

export interface HeavyReads {
  /**
   * Runs `read` in its turn; refusals and overload become AppError('overloaded'). With `share`,
   * a read under the same key already in flight is joined rather than run again.
   */
  run<T>(tenant: string, read: () => Promise<T>, share?: { key: string; route: string }): Promise<T>;
  /** The heavy reads' pool (statement timeout), for queries inside run(). */
  pool: Pool;
  close(): Promise<void>;
}

export interface HeavyReadsConfig {
  DATABASE_URL: string;
  PG_CONNECT_TIMEOUT_MS: number;
  HEAVY_READ_CONCURRENCY: number;
  /** Turns one tenant may hold at once (default: half of HEAVY_READ_CONCURRENCY, at least 1). */
  HEAVY_READ_TENANT_CONCURRENCY?: number | undefined;
  HEAVY_READ_QUEUE: number;
  HEAVY_READ_WAIT_MS: number;
  HEAVY_STATEMENT_TIMEOUT_MS: number;
}

const retryAfter = (ms: number) => ({ 'retry-after': String(Math.max(1, Math.ceil(ms / 1000))) });

export function createHeavyReads(config: HeavyReadsConfig, registry: Registry): HeavyReads {
  const refused = new Counter({
    name: 'query_api_heavy_reads_refused_total',
    help: 'Heavy reads answered 503 overloaded, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const limiter = createConcurrencyLimiter({
    maxConcurrent: config.HEAVY_READ_CONCURRENCY,
    maxPerKey: tenantTurns(config),
    maxQueue: config.HEAVY_READ_QUEUE,
    maxWaitMs: config.HEAVY_READ_WAIT_MS,
    onRefused: (reason) => refused.inc({ reason }),
  });
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    max: config.HEAVY_READ_CONCURRENCY * QUERIES_PER_READ,
    applicationName: 'tally-query-api-heavy',
    connectionTimeoutMs: config.PG_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: config.HEAVY_STATEMENT_TIMEOUT_MS,
  });
  const reads = new Counter({
    name: 'query_api_heavy_reads_total',
    help: 'Heavy reads by route and result: computed, or shared with an identical read in flight',
    labelNames: ['route', 'result'],
    registers: [registry],
  });
  const inTurn = new AsyncLocalStorage<true>();
  const inFlight = new Map<string, Promise<unknown>>();
  async function inItsTurn<T>(tenant: string, read: () => Promise<T>): Promise<T> {
    if (inTurn.getStore()) return read();
    try {
      return await limiter.run(() => inTurn.run(true, read), tenant);
    } catch (err) {
      if (err instanceof OverloadedError)
        throw new AppError('overloaded', err.message, undefined, retryAfter(err.retryAfterMs));
      if (isPostgresOverload(err)) {
        refused.inc({ reason: 'postgres' });
        throw new AppError('overloaded', 'the database is busy; retry shortly', undefined, retryAfter(1000));
      }
      throw err;
    }
  }
  return {
    pool,
    run<T>(tenant: string, read: () => Promise<T>, share?: { key: string; route: string }): Promise<T> {
      if (!share) return inItsTurn(tenant, read);
      const running = inFlight.get(share.key);
      if (running) {
        reads.inc({ route: share.route, result: 'shared' });
        // the same key is the same read: its answer has the same type
        return running as Promise<T>;
      }
      reads.inc({ route: share.route, result: 'computed' });
      const computed = inItsTurn(tenant, read).finally(() => inFlight.delete(share.key));
      inFlight.set(share.key, computed);
      return computed;
    },
    close: () => pool.end(),
  };
}

/** Turns one tenant may hold at once: the setting, else half the turns (at least one). */
export function tenantTurns(
  config: Pick<HeavyReadsConfig, 'HEAVY_READ_CONCURRENCY' | 'HEAVY_READ_TENANT_CONCURRENCY'>,
): number {
  return Math.min(
    config.HEAVY_READ_CONCURRENCY,
    config.HEAVY_READ_TENANT_CONCURRENCY ?? Math.max(1, Math.ceil(config.HEAVY_READ_CONCURRENCY / 2)),
  );
}

/** JSON with object keys sorted, so equal values are equal strings. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

/** What makes two heavy reads the same: tenant, route, path parameters, validated query. */
export function readKey(request: FastifyRequest): { key: string; route: string } | undefined {
  const tenant = request.tenant?.id;
  const route = request.routeOptions.url;
  if (tenant === undefined || route === undefined) return undefined;
  return {
    key: [tenant, request.method, route, canonical(request.params), canonical(request.query)].join('\n'),
    route,
  };
}

/** A route handler whose whole work is one heavy read, shared by identical reads in flight. */
export function heavy<A extends [FastifyRequest, ...unknown[]], R>(
  deps: { heavy: HeavyReads },
  handler: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return (...args) => deps.heavy.run(args[0].tenant?.id ?? '', () => handler(...args), readKey(args[0]));
}
