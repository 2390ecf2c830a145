/**
 * Snapshots the counters of every campaign changed since the last snapshot to Postgres, together
 * with the consumer offsets they include, in one transaction. Offsets are read before the counters,
 * so a snapshot's counters include at least everything up to its offsets (and maybe a little more,
 * which a replay from those offsets re-applies without effect, see @tally/counters apply.ts).
 */
import type { Redis } from 'ioredis';
import { clearDirty, dirtyCampaigns, markDirty, readCampaign, type RedisKeys } from '@tally/counters';
import { withTransaction, type Pool } from '@tally/db';
import type { Logger } from '@tally/logging';

export interface SnapshotOptions {
  redis: Redis;
  keys: RedisKeys;
  pool: Pool;
  logger: Logger;
  groupId: string;
  topic: string;
  /** Next offset to read per partition, for the batches fully applied so far. */
  offsets: () => Map<number, string>;
}

export function createSnapshotter(opts: SnapshotOptions) {
  const log = opts.logger.child({ component: 'snapshotter' });
  let running: Promise<number> | undefined;

  async function takeSnapshot(): Promise<number> {
    const offsets = new Map(opts.offsets());
    const dirty = await dirtyCampaigns(opts.redis, opts.keys);
    if (dirty.length === 0 && offsets.size === 0) return 0;
    await clearDirty(opts.redis, opts.keys, dirty);
    try {
      const states = (
        await Promise.all(
          dirty.map(async ([t, c]) => ({
            tenant: t,
            state: await readCampaign(opts.redis, opts.keys, t, c),
          })),
        )
      ).filter((s) => s.state !== undefined);
      await withTransaction(opts.pool, async (client) => {
        const { rows } = await client.query<{ id: string }>(
          'INSERT INTO snapshots(consumer_group, campaigns) VALUES ($1, $2) RETURNING id',
          [opts.groupId, states.length],
        );
        const id = rows[0]?.id;
        for (const { tenant, state } of states) {
          if (!state) continue;
          await client.query(
            `INSERT INTO campaigns(tenant_id, campaign_id, channel, first_event_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, campaign_id) DO UPDATE SET first_event_at = LEAST(campaigns.first_event_at, EXCLUDED.first_event_at)`,
            [tenant, state.campaignId, state.channel, state.firstEventAt],
          );
          await client.query(
            `INSERT INTO campaign_counters(tenant_id, campaign_id, counts, money, snapshot_id) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (tenant_id, campaign_id) DO UPDATE
               SET counts = EXCLUDED.counts, money = EXCLUDED.money, snapshot_id = EXCLUDED.snapshot_id, updated_at = now()`,
            [tenant, state.campaignId, JSON.stringify(state.counts), JSON.stringify(state.moneyUnits), id],
          );
        }
        for (const [partition, next] of offsets) {
          await client.query(
            `INSERT INTO consumer_offsets(consumer_group, topic, partition, next_offset, snapshot_id) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (consumer_group, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, snapshot_id = EXCLUDED.snapshot_id`,
            [opts.groupId, opts.topic, partition, next, id],
          );
        }
      });
      log.debug({ campaigns: states.length }, 'snapshot_taken');
      return states.length;
    } catch (err) {
      // Put the campaigns back so the next snapshot retries them.
      await markDirty(opts.redis, opts.keys, dirty).catch(() => undefined);
      throw err;
    }
  }

  return {
    /** Takes a snapshot; concurrent calls share the one in progress. */
    snapshot(): Promise<number> {
      running ??= takeSnapshot().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
