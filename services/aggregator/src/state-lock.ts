/**
 * One Postgres session advisory lock per Redis prefix serialises snapshots and rebuilds across all
 * aggregator instances. A session lock dies with its connection, so a killed instance never
 * leaves it held.
 */
import type { Pool } from '@tally/db';

/**
 * Runs fn while holding the lock. With `wait` false, returns undefined at once when another
 * instance holds it.
 */
export async function withStateLock<T>(
  pool: Pool,
  prefix: string,
  wait: boolean,
  fn: () => Promise<T>,
): Promise<T | undefined> {
  const client = await pool.connect();
  const name = `tally-state:${prefix}`;
  try {
    if (wait) await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    else {
      const { rows } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS ok',
        [name],
      );
      if (!rows[0]?.ok) return undefined;
    }
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
  } finally {
    client.release();
  }
}
