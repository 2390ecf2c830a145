/**
 * One evaluator at a time across query-api replicas: a session-level Postgres advisory lock held
 * on a dedicated connection (not a pooled one, which would hand the lock to whoever borrows it
 * next). Standbys try again on every tick (pg_try_advisory_lock never waits); when the holder dies
 * its connection drops, Postgres releases the lock, and a standby takes over on its next try.
 * The holder checks its connection on every tick and gives up leadership when it is gone.
 */
import pg from 'pg';
import type { Logger } from '@tally/logging';

/** The advisory lock id of the alert evaluator ("tally" 0x7a11, lock 6). */
export const EVALUATOR_LOCK_ID = 0x7a11_0006;

export interface Leader {
  /** True when this instance holds the lock (acquiring it if free). */
  ensure(): Promise<boolean>;
  isLeader(): boolean;
  release(): Promise<void>;
}

export function createLeader(opts: { connectionString: string; logger: Logger; lockId?: number }): Leader {
  const lockId = opts.lockId ?? EVALUATOR_LOCK_ID;
  const log = opts.logger.child({ component: 'alert_leader' });
  let client: pg.Client | undefined;
  let leader = false;

  const drop = (reason: string) => {
    if (leader) log.warn({ reason }, 'alert_leadership_lost');
    leader = false;
    const c = client;
    client = undefined;
    c?.end().catch(() => undefined);
  };

  const connect = async (): Promise<pg.Client> => {
    const c = new pg.Client({
      connectionString: opts.connectionString,
      application_name: 'tally-alert-leader',
    });
    c.on('error', (err) => {
      if (client === c) drop(err.message);
    });
    c.on('end', () => {
      if (client === c) drop('connection_ended');
    });
    client = c;
    await c.connect();
    return c;
  };

  return {
    async ensure() {
      try {
        if (leader && client) {
          await client.query('SELECT 1');
          return true;
        }
        const c = client ?? (await connect());
        const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [lockId]);
        if (rows[0]?.ok === true && client === c) {
          leader = true;
          log.info({ lock_id: lockId }, 'alert_leadership_acquired');
        }
        return leader;
      } catch (err) {
        drop(err instanceof Error ? err.message : String(err));
        return false;
      }
    },
    isLeader: () => leader,
    async release() {
      const c = client;
      const was = leader;
      leader = false;
      client = undefined;
      if (!c) return;
      if (was) await c.query('SELECT pg_advisory_unlock($1)', [lockId]).catch(() => undefined);
      await c.end().catch(() => undefined);
      if (was) log.info('alert_leadership_released');
    },
  };
}
