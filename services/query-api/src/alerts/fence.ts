/**
 * Writes under the evaluator's lease. A fenced transaction first reads the lease row FOR SHARE:
 * if its token is no longer the writer's, the write is refused (FencedError) and nothing is
 * written. The share lock holds until commit, so a standby cannot take the lease between the
 * check and the commit: every write of an old term commits before the new term begins, or not
 * at all. The transaction may hold that lock, or sit idle, only `fence.holdMs` (SET LOCAL
 * lock/statement/idle-in-transaction timeouts), so a writer that stalls mid-transaction is cut
 * off by Postgres and cannot keep its successor waiting.
 */
import type { Pool, PoolClient } from '@tally/db';
import type { Fence } from './leader.ts';

/** The write was refused: the lease has a newer token (or no row). Nothing was written. */
export class FencedError extends Error {
  constructor(
    readonly fence: Fence,
    readonly currentToken: number | null,
  ) {
    super(
      `write under ${fence.lease} token ${String(fence.token)} refused: current token ${String(currentToken)}`,
    );
    this.name = 'FencedError';
  }
}

export async function fencedTransaction<T>(
  pool: Pool,
  fence: Fence,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // Postgres may end the session (idle-in-transaction timeout) while no query is running; the
  // pool listens only to idle clients, so this one must not emit an unheard 'error'.
  const onError = () => undefined;
  client.on('error', onError);
  let broken = false;
  try {
    const ms = String(Math.max(1, Math.floor(fence.holdMs)));
    await client.query(
      `BEGIN; SET LOCAL lock_timeout = ${ms}; SET LOCAL statement_timeout = ${ms};
       SET LOCAL idle_in_transaction_session_timeout = ${ms}`,
    );
    const { rows } = await client.query<{ token: string }>(
      'SELECT token::text FROM leader_leases WHERE name = $1 FOR SHARE',
      [fence.lease],
    );
    const current = rows[0] ? Number(rows[0].token) : null;
    if (current !== fence.token) throw new FencedError(fence, current);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
