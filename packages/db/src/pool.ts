import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export function createPool(opts: {
  connectionString: string;
  max?: number;
  applicationName?: string;
  /** How long a query waits for a free connection before failing (default 5 s). */
  connectionTimeoutMs?: number;
  /** Postgres statement_timeout of every statement on this pool's connections (default none). */
  statementTimeoutMs?: number;
}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? 'tally',
    connectionTimeoutMillis: opts.connectionTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
    ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}),
  });
  // An idle client that errors (server restart) must not crash the process: the pool drops it.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Runs fn in a transaction: COMMIT on success, ROLLBACK on any error. `begin` opens it (another
 * isolation level or access mode).
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Something to run a query on: the pool, or one client of it (inside a transaction). */
export type Queryable = pg.Pool | pg.PoolClient;

/**
 * Runs fn in one read-only REPEATABLE READ transaction: every statement sees the same committed
 * state, so several reads that make one answer agree with each other (a write committing between
 * them is either in all of them or in none).
 */
export function withConsistentRead<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withTransaction(pool, fn, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
}

export async function pingPostgres(pool: pg.Pool): Promise<boolean> {
  try {
    await pool.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

/**
 * True for errors that mean Postgres (or our pool of it) has too much to do right now, not that
 * the request or the code is wrong: no free pool connection in time, a statement cancelled by
 * statement_timeout (57014), too many connections (53300), a server starting or shutting down
 * (57P03). The answer is 503 with Retry-After.
 */
export function isPostgresOverload(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (code === '57014' || code === '53300' || code === '57P03') return true;
  return /timeout exceeded when trying to connect|connection timeout/i.test(err.message);
}
