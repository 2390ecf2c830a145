/**
 * Heavy reads — the audience, value, send-time and benchmark routes, and time series that reach
 * the Postgres rollups — take a turn from a per-replica concurrency limiter
 * (HEAVY_READ_CONCURRENCY at once, HEAVY_READ_QUEUE waiting at most HEAVY_READ_WAIT_MS) and query
 * through a pool of their own whose statements Postgres cancels after HEAVY_STATEMENT_TIMEOUT_MS.
 * Whatever cannot be answered in time — no turn, a cancelled statement, no connection — is a 503
 * `overloaded` with Retry-After, within about wait + statement timeout; the main pool (API keys,
 * alerts, readiness) is never taken by them. A read already in its turn does not take another.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Counter, type Registry } from 'prom-client';
import { createPool, isPostgresOverload, type Pool } from '@tally/db';
import { AppError } from '@tally/http';
import { createConcurrencyLimiter, OverloadedError } from './concurrency-limiter.ts';

/** Queries one heavy read runs at once (the silent-disengagement route runs three). */
export const QUERIES_PER_READ = 3;

export interface HeavyReads {
  /** Runs `read` in its turn; refusals and overload become AppError('overloaded'). */
  run<T>(read: () => Promise<T>): Promise<T>;
  /** The heavy reads' pool (statement timeout), for queries inside run(). */
  pool: Pool;
  close(): Promise<void>;
}

export interface HeavyReadsConfig {
  DATABASE_URL: string;
  PG_CONNECT_TIMEOUT_MS: number;
  HEAVY_READ_CONCURRENCY: number;
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
  const inTurn = new AsyncLocalStorage<true>();
  return {
    pool,
    async run(read) {
      if (inTurn.getStore()) return read();
      try {
        return await limiter.run(() => inTurn.run(true, read));
      } catch (err) {
        if (err instanceof OverloadedError)
          throw new AppError('overloaded', err.message, undefined, retryAfter(err.retryAfterMs));
        if (isPostgresOverload(err)) {
          refused.inc({ reason: 'postgres' });
          throw new AppError(
            'overloaded',
            'the database is busy; retry shortly',
            undefined,
            retryAfter(1000),
          );
        }
        throw err;
      }
    },
    close: () => pool.end(),
  };
}

/** A route handler whose whole work is one heavy read. */
export function heavy<A extends unknown[], R>(
  deps: { heavy: HeavyReads },
  handler: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return (...args) => deps.heavy.run(() => handler(...args));
}
