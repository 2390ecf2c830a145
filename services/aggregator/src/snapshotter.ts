/**
 * Snapshots the aggregator's Redis state to Postgres as a consistent cut (see @tally/counters
 * apply.ts and state.ts): every key written since the last cut, with the partition offsets that
 * state reflects, stored in ONE transaction. Readable copies of campaign counters, minute rollups,
 * recipient state and offsets go into the same transaction. Any instance may take the snapshot:
 * the cut covers all partitions, and a Postgres advisory lock lets one instance at a time do it.
 */
import type { Redis } from 'ioredis';
import { confirmCut, takeCut, type CutEntry, type RedisKeys } from '@tally/counters';
import { withTransaction, type Pool, type PoolClient } from '@tally/db';
import type { Logger } from '@tally/logging';
import { withStateLock } from './state-lock.ts';

export interface SnapshotOptions {
  redis: Redis;
  keys: RedisKeys;
  pool: Pool;
  logger: Logger;
  groupId: string;
}

const CHUNK = 2000;

export function createSnapshotter(opts: SnapshotOptions) {
  const log = opts.logger.child({ component: 'snapshotter' });
  let running: Promise<number> | undefined;

  async function takeSnapshot(): Promise<number> {
    const result = await withStateLock(opts.pool, opts.keys.prefix, false, async () => {
      const cut = await takeCut(opts.redis, opts.keys);
      if (!cut || cut.length === 0) return 0;
      try {
        await withTransaction(opts.pool, (client) => storeCut(client, opts, cut));
      } catch (err) {
        await confirmCut(opts.redis, opts.keys, false).catch(() => undefined);
        throw err;
      }
      await confirmCut(opts.redis, opts.keys, true);
      log.debug({ keys: cut.length }, 'snapshot_taken');
      return cut.length;
    });
    return result ?? 0;
  }

  return {
    /** The periodic snapshot: joins the one in progress instead of queueing another. */
    tick(): Promise<number> {
      return running ?? this.snapshot();
    },
    /**
     * Takes a snapshot that includes every write made before the call: one in progress may have cut
     * earlier, so a call during it waits for it and then cuts again. Resolves to the keys stored.
     */
    snapshot(): Promise<number> {
      const next = (running ?? Promise.resolve(0)).catch(() => 0).then(takeSnapshot);
      running = next;
      void next
        .finally(() => {
          if (running === next) running = undefined;
        })
        .catch(() => undefined);
      return next;
    },
  };
}

async function storeCut(client: PoolClient, opts: SnapshotOptions, cut: CutEntry[]): Promise<void> {
  const { rows } = await client.query<{ id: string }>(
    'INSERT INTO snapshots(consumer_group, campaigns) VALUES ($1, $2) RETURNING id',
    [opts.groupId, cut.filter((e) => opts.keys.parse(e.key).kind === 'counts').length],
  );
  const id = rows[0]?.id;
  const now = Date.now();
  const live = cut.filter((e) => e.pttl !== -2);
  const gone = cut.filter((e) => e.pttl === -2).map((e) => e.key);
  for (let i = 0; i < live.length; i += CHUNK) {
    const part = live.slice(i, i + CHUNK);
    await client.query(
      `INSERT INTO redis_state(key, value, expire_at, snapshot_id)
       SELECT k, v, e, $4 FROM unnest($1::text[], $2::bytea[], $3::timestamptz[]) AS u(k, v, e)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expire_at = EXCLUDED.expire_at, snapshot_id = EXCLUDED.snapshot_id`,
      [
        part.map((e) => e.key),
        part.map((e) => e.dump),
        part.map((e) => (e.pttl >= 0 ? new Date(now + e.pttl) : null)),
        id,
      ],
    );
  }
  if (gone.length > 0) await client.query('DELETE FROM redis_state WHERE key = ANY($1::text[])', [gone]);
  await storeReadable(client, opts, cut, id);
}

async function storeReadable(
  client: PoolClient,
  opts: SnapshotOptions,
  cut: CutEntry[],
  snapshotId: string | undefined,
): Promise<void> {
  const minutes: [string, string, Date, string, string][] = [];
  const recipients: [string, string, string][] = [];
  for (const e of cut) {
    const k = opts.keys.parse(e.key);
    if (k.kind === 'meta' && e.fields.firstAt) {
      await client.query(
        // A tenant deleted since its events were published must not block every later snapshot.
        `INSERT INTO campaigns(tenant_id, campaign_id, channel, first_event_at)
         SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM tenants WHERE id = $1)
         ON CONFLICT (tenant_id, campaign_id) DO UPDATE SET first_event_at = LEAST(campaigns.first_event_at, EXCLUDED.first_event_at)`,
        [k.tenant, k.campaign, e.fields.channel ?? null, new Date(Number(e.fields.firstAt))],
      );
    } else if (k.kind === 'counts' || k.kind === 'money') {
      const json = JSON.stringify(
        Object.fromEntries(Object.entries(e.fields).map(([f, v]) => [f, Number(v)])),
      );
      const [counts, money] = k.kind === 'counts' ? [json, '{}'] : ['{}', json];
      await client.query(
        `INSERT INTO campaign_counters(tenant_id, campaign_id, counts, money, snapshot_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, campaign_id) DO UPDATE SET ${k.kind} = EXCLUDED.${k.kind},
           snapshot_id = EXCLUDED.snapshot_id, updated_at = now()`,
        [k.tenant, k.campaign, counts, money, snapshotId],
      );
    } else if (k.kind === 'minute') {
      for (const [metric, v] of Object.entries(e.fields))
        minutes.push([k.tenant, k.campaign, new Date(k.minute * 60_000), metric, v]);
    } else if (k.kind === 'recipient') {
      recipients.push([k.tenant, k.id, JSON.stringify(e.fields)]);
    } else if (e.key === opts.keys.offsets()) {
      await storeOffsets(client, opts.groupId, e.fields, snapshotId);
    }
  }
  await storeRows(
    client,
    minutes,
    `INSERT INTO campaign_minute_counts(tenant_id, campaign_id, minute, metric, value)
     SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::bigint[])
     ON CONFLICT (tenant_id, campaign_id, minute, metric) DO UPDATE SET value = EXCLUDED.value`,
  );
  await storeRows(
    client,
    recipients,
    `INSERT INTO recipient_state(tenant_id, recipient_id, state)
     SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
     ON CONFLICT (tenant_id, recipient_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
  );
}

/** Inserts rows column-wise with unnest, in chunks. */
async function storeRows(client: PoolClient, rows: unknown[][], sql: string): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    const width = part[0]?.length ?? 0;
    await client.query(
      sql,
      Array.from({ length: width }, (_, col) => part.map((r) => r[col])),
    );
  }
}

async function storeOffsets(
  client: PoolClient,
  groupId: string,
  fields: Record<string, string>,
  snapshotId: string | undefined,
): Promise<void> {
  for (const [field, next] of Object.entries(fields)) {
    const cut = field.lastIndexOf(':');
    await client.query(
      `INSERT INTO consumer_offsets(consumer_group, topic, partition, next_offset, snapshot_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (consumer_group, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, snapshot_id = EXCLUDED.snapshot_id`,
      [groupId, field.slice(0, cut), Number(field.slice(cut + 1)), next, snapshotId],
    );
  }
}
