/**
 * Snapshots the aggregator's Redis state to Postgres (see @tally/counters partition/cuts.ts for
 * why partition cuts first, then scope cuts, restore exactly): every partition's dirty records
 * with its offset and outbox, then every scope written since, all stored in ONE transaction, with
 * readable copies (campaign counters and first event times, minute rollups, recipient state,
 * offsets). Each cut is one short script on one hash slot, so a snapshot never blocks Redis for
 * long. Rows are checked before they are written (a row Postgres would refuse is logged and left
 * out), so one bad value never stops every later snapshot. Any instance may snapshot: a Postgres
 * advisory lock lets one at a time do it.
 */
import type { RedisClient } from '@tally/redis';
import {
  carryDueAudience,
  cleanPartition,
  cleanScope,
  cutPartition,
  cutScope,
  moneyUnitsOf,
  splitField,
  wholeEpoch,
  type PartitionCut,
  type RedisKeys,
  type ScopeCut,
} from '@tally/counters';
import { withTransaction, type Pool, type PoolClient } from '@tally/db';
import { isStorableText } from '@tally/events';
import type { Logger } from '@tally/logging';
import {
  compactRollups,
  controlRollIn,
  rollIn,
  ROLLUP_KEEP_DAYS,
  storeAudienceRows,
} from './audience-rollups.ts';
import { withStateLock } from './state-lock.ts';

export interface SnapshotOptions {
  redis: RedisClient;
  keys: RedisKeys;
  pool: Pool;
  logger: Logger;
  groupId: string;
  topic: string;
  partitions: number;
}

export interface SnapshotStats {
  records: number;
  scopeKeys: number;
  /** The longest single cut script, ms (each blocks Redis while it runs). */
  longestCutMs: number;
}

const CHUNK = 2000;
/** Rows stored before the audience rollups existed, rolled in per snapshot (audience-rollups.ts). */
const ROLL_IN_PAGE = 5000;
/** How often the audience rollups' old days are folded together (audience-rollups.ts). */
const COMPACT_EVERY_MS = 3_600_000;

export function createSnapshotter(opts: SnapshotOptions) {
  const log = opts.logger.child({ component: 'snapshotter' });
  let running: Promise<number> | undefined;
  let last: SnapshotStats = { records: 0, scopeKeys: 0, longestCutMs: 0 };
  let compactedAt = 0;

  async function takeSnapshot(): Promise<number> {
    const result = await withStateLock(opts.pool, opts.keys.prefix, false, async () => {
      const stats: SnapshotStats = { records: 0, scopeKeys: 0, longestCutMs: 0 };
      // Only a whole state is stored: on Redis Cluster a master may have lost its data (its
      // scopes' changes since the last cut would be missing from this one). The same whole epoch
      // before and after the cuts means none was lost in between (only a rebuild writes one).
      const epoch = await wholeEpoch(opts.redis, opts.keys, { thorough: true });
      if (epoch === null) throw new Error('state not whole: snapshot skipped');
      const cuts: PartitionCut[] = [];
      for (let p = 0; p < opts.partitions; p++) {
        const cut = await cutPartition(opts.redis, opts.keys, opts.topic, p);
        if (cut) cuts.push(cut);
      }
      const tags = [...new Set(cuts.flatMap((c) => c.scopes.map(([tag]) => tag)))];
      const scopes: ScopeCut[] = [];
      for (const tag of tags) scopes.push(await cutScope(opts.redis, opts.keys, tag));
      if ((await wholeEpoch(opts.redis, opts.keys, { thorough: true })) !== epoch)
        throw new Error('state lost during the cuts: snapshot skipped');
      stats.longestCutMs = Math.max(0, ...cuts.map((c) => c.scriptMs), ...scopes.map((c) => c.scriptMs));
      if (cuts.every((c) => c.rows.length === 0) && scopes.every((s) => s.entries.length === 0)) {
        await storeOffsetsOnly(cuts);
        await compactIfDue();
        return 0;
      }
      const audience = audienceOf(cuts);
      await withTransaction(opts.pool, (client) => store(client, cuts, scopes, audience, stats));
      await compactIfDue();
      for (const cut of cuts) {
        await carryDueAudience(opts.redis, opts.keys, cut);
        await cleanPartition(opts.redis, opts.keys, cut);
      }
      for (const s of scopes) await cleanScope(opts.redis, opts.keys, s);
      last = stats;
      log.debug(stats, 'snapshot_taken');
      return stats.records + stats.scopeKeys;
    });
    return result ?? 0;
  }

  /**
   * A snapshot with nothing changed stores its offsets, and still rolls in rows written before
   * the rollups (a quiet deployment after an upgrade would otherwise never finish rolling in).
   */
  async function storeOffsetsOnly(cuts: PartitionCut[]): Promise<void> {
    await withTransaction(opts.pool, async (client) => {
      await lockSnapshotTransaction(client);
      if (cuts.length > 0) {
        const id = await newSnapshot(client, 0);
        for (const cut of cuts) await storeCut(client, cut, id);
      }
      await rollInPages(client);
    });
  }

  /**
   * Snapshot transactions of one state take turns inside Postgres too: the session lock
   * (state-lock.ts) lives on another connection, and if that connection dropped while a
   * transaction still ran, a second snapshot could read the same recipient rows before the first
   * committed and add a new recipient's timeline twice. (Another key than the session lock's, or
   * the transaction would wait for its own instance.)
   */
  async function lockSnapshotTransaction(client: PoolClient): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `${opts.keys.prefix}:snapshot-transaction`,
    ]);
  }

  /** Rows from before the rollups (audience and control), a page per snapshot. */
  async function rollInPages(client: PoolClient): Promise<void> {
    const rolled = await rollIn(client, ROLL_IN_PAGE);
    if (rolled > 0) log.info({ rows: rolled }, 'audience_rows_rolled_in');
    const control = await controlRollIn(client, ROLL_IN_PAGE);
    if (control > 0) log.info({ rows: control }, 'control_rows_rolled_in');
  }

  /** Folds the rollups' old days together, hourly, in a transaction of its own (it reads no cut). */
  async function compactIfDue(): Promise<void> {
    const now = Date.now();
    if (now - compactedAt < COMPACT_EVERY_MS) return;
    compactedAt = now;
    try {
      const folded = await withTransaction(opts.pool, async (client) => {
        await lockSnapshotTransaction(client);
        return compactRollups(client, Math.floor(now / 86_400_000) - ROLLUP_KEEP_DAYS);
      });
      if (folded > 0) log.info({ rows: folded }, 'audience_rollups_compacted');
    } catch (err) {
      log.error({ err }, 'audience_rollups_compaction_failed');
    }
  }

  /** The audience rows the applier computed with each batch (rows `a` of the cuts). */
  function audienceOf(
    cuts: PartitionCut[],
  ): { tenant: string; recipient: string; row: Record<string, string> }[] {
    return cuts.flatMap((c) =>
      c.rows
        .filter((r) => r.kind === 'a' && r.value !== '')
        .map((r) => {
          const [tenant, recipient] = splitField(r.field);
          return { tenant, recipient, row: JSON.parse(r.value) as Record<string, string> };
        }),
    );
  }

  async function newSnapshot(client: PoolClient, campaigns: number): Promise<string> {
    const { rows } = await client.query<{ id: string }>(
      'INSERT INTO snapshots(consumer_group, campaigns) VALUES ($1, $2) RETURNING id',
      [opts.groupId, campaigns],
    );
    return rows[0]?.id ?? '0';
  }

  async function storeCut(client: PoolClient, cut: PartitionCut, id: string): Promise<void> {
    await client.query(
      `INSERT INTO partition_cuts(state_prefix, topic, partition, next_offset, stream_ms, outbox, snapshot_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (state_prefix, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset,
         stream_ms = EXCLUDED.stream_ms, outbox = EXCLUDED.outbox, snapshot_id = EXCLUDED.snapshot_id`,
      [opts.keys.prefix, cut.topic, cut.partition, cut.next, cut.stream, cut.outbox, id],
    );
    await client.query(
      `INSERT INTO consumer_offsets(consumer_group, topic, partition, next_offset, snapshot_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (consumer_group, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, snapshot_id = EXCLUDED.snapshot_id`,
      [opts.groupId, cut.topic, cut.partition, cut.next, id],
    );
  }

  async function store(
    client: PoolClient,
    cuts: PartitionCut[],
    scopes: ScopeCut[],
    audience: ReturnType<typeof audienceOf>,
    stats: SnapshotStats,
  ): Promise<void> {
    await lockSnapshotTransaction(client);
    const id = await newSnapshot(
      client,
      scopes.filter((s) => opts.keys.parse(`${s.tag}:counts`).kind === 'counts').length,
    );
    for (const cut of cuts) {
      await storeCut(client, cut, id);
      stats.records += await storeRecords(client, cut);
      await storeDueAudience(client, cut);
    }
    stats.scopeKeys += await storeScopes(client, scopes, id);
    // The readable copies are for people, not for restores: if they cannot be written, the state
    // still is (a savepoint keeps one bad row from failing the snapshot).
    await client.query('SAVEPOINT readable');
    try {
      await storeReadable(client, scopes, id);
      await client.query('RELEASE SAVEPOINT readable');
    } catch (err) {
      await client.query('ROLLBACK TO SAVEPOINT readable');
      log.error({ err }, 'snapshot_readable_copies_failed');
    }
    // The recipient rows and their rollups are the audience answers' only copy, and their marks
    // are cleared with this cut: an error here fails the snapshot (retried at the next tick), so
    // no change is dropped in silence.
    await storeAudience(client, audience);
  }

  async function storeAudience(client: PoolClient, audience: ReturnType<typeof audienceOf>): Promise<void> {
    // One row per recipient (the last read wins), whatever repeats across partitions.
    const byRecipient = new Map(audience.map((a) => [`${a.tenant} ${a.recipient}`, a]));
    const rows = [...byRecipient.values()].filter(
      (a) =>
        storable(a.tenant, a.recipient) &&
        Object.entries(a.row).every(([f, v]) => isStorableText(f) && isStorableText(v)),
    );
    await storeAudienceRows(client, rows);
    await rollInPages(client);
  }

  /**
   * The cut's due audience marks (recipients whose rows are still to be computed) are kept with
   * the snapshot, and the marks of rows it stores are dropped: a restore makes them due again
   * (recovery.ts), or a recipient changed just before a snapshot would lose its row with Redis.
   */
  async function storeDueAudience(client: PoolClient, cut: PartitionCut): Promise<void> {
    const rows = cut.rows.filter((r) => r.kind === 'a');
    const due = rows.filter((r) => r.value === '').map((r) => r.field);
    const done = rows.filter((r) => r.value !== '').map((r) => r.field);
    const key = [opts.keys.prefix, cut.topic, cut.partition];
    for (let i = 0; i < done.length; i += CHUNK)
      await client.query(
        'DELETE FROM audience_due WHERE state_prefix = $1 AND topic = $2 AND partition = $3 AND field = ANY($4::text[])',
        [...key, done.slice(i, i + CHUNK)],
      );
    for (let i = 0; i < due.length; i += CHUNK)
      await client.query(
        `INSERT INTO audience_due(state_prefix, topic, partition, field)
         SELECT $1, $2, $3, f FROM unnest($4::text[]) AS f ON CONFLICT DO NOTHING`,
        [...key, due.slice(i, i + CHUNK)],
      );
  }

  async function storeRecords(client: PoolClient, cut: PartitionCut): Promise<number> {
    const records = cut.rows.filter((r) => r.kind !== 'a');
    const live = records.filter((r) => r.value !== '');
    const gone = records.filter((r) => r.value === '');
    for (let i = 0; i < live.length; i += CHUNK) {
      const part = live.slice(i, i + CHUNK);
      await client.query(
        `INSERT INTO partition_records(state_prefix, topic, partition, kind, field, value)
         SELECT $1, $2, $3, k, f, v FROM unnest($4::text[], $5::text[], $6::text[]) AS u(k, f, v)
         ON CONFLICT (state_prefix, topic, partition, kind, field) DO UPDATE SET value = EXCLUDED.value`,
        [
          opts.keys.prefix,
          cut.topic,
          cut.partition,
          part.map((r) => r.kind),
          part.map((r) => r.field),
          part.map((r) => r.value),
        ],
      );
    }
    if (gone.length > 0)
      await client.query(
        `DELETE FROM partition_records WHERE state_prefix = $1 AND topic = $2 AND partition = $3
           AND (kind, field) IN (SELECT * FROM unnest($4::text[], $5::text[]))`,
        [opts.keys.prefix, cut.topic, cut.partition, gone.map((r) => r.kind), gone.map((r) => r.field)],
      );
    return records.length;
  }

  async function storeScopes(client: PoolClient, scopes: ScopeCut[], id: string): Promise<number> {
    const now = Date.now();
    const entries = scopes.flatMap((s) => s.entries);
    const live = entries.filter((e) => e.pttl !== -2 && e.dump.length > 0);
    const gone = entries.filter((e) => e.pttl === -2 || e.dump.length === 0).map((e) => e.key);
    for (let i = 0; i < live.length; i += CHUNK) {
      const part = live.slice(i, i + CHUNK);
      await client.query(
        `INSERT INTO scope_keys(state_prefix, key, value, expire_at, snapshot_id)
         SELECT $1, k, v, e, $5 FROM unnest($2::bytea[], $3::bytea[], $4::timestamptz[]) AS u(k, v, e)
         ON CONFLICT (state_prefix, key) DO UPDATE SET value = EXCLUDED.value, expire_at = EXCLUDED.expire_at,
           snapshot_id = EXCLUDED.snapshot_id`,
        [
          opts.keys.prefix,
          part.map((e) => e.key),
          part.map((e) => e.dump),
          part.map((e) => (e.pttl >= 0 ? new Date(now + e.pttl) : null)),
          id,
        ],
      );
    }
    if (gone.length > 0)
      await client.query('DELETE FROM scope_keys WHERE state_prefix = $1 AND key = ANY($2::bytea[])', [
        opts.keys.prefix,
        gone,
      ]);
    return entries.length;
  }

  async function storeReadable(client: PoolClient, scopes: ScopeCut[], id: string): Promise<void> {
    const minutes = new Map<string, [string, string, Date, string, string]>();
    const counters = new Map<string, { tenant: string; campaign: string; counts?: string; money?: string }>();
    for (const s of scopes)
      for (const e of s.entries) {
        const key = e.key.toString('utf8');
        const k = opts.keys.parse(key);
        if (k.kind === 'other' || !storable(k.tenant, k.campaign)) continue;
        if (k.kind === 'meta' && e.fields.firstAt) {
          await client.query(
            // A tenant deleted since its events were published must not block every later snapshot.
            `INSERT INTO campaigns(tenant_id, campaign_id, channel, first_event_at)
             SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM tenants WHERE id = $1)
             ON CONFLICT (tenant_id, campaign_id) DO UPDATE SET first_event_at = LEAST(campaigns.first_event_at, EXCLUDED.first_event_at)`,
            [k.tenant, k.campaign, e.fields.channel ?? null, new Date(Number(e.fields.firstAt))],
          );
        } else if (k.kind === 'counts' || k.kind === 'money') {
          const entry = counters.get(`${k.tenant} ${k.campaign}`) ?? {
            tenant: k.tenant,
            campaign: k.campaign,
          };
          entry[k.kind] = JSON.stringify(k.kind === 'money' ? moneyUnitsOf(e.fields) : numbers(e.fields));
          counters.set(`${k.tenant} ${k.campaign}`, entry);
        } else if (k.kind === 'minute') {
          const money = moneyUnitsOf(e.fields);
          for (const [metric, v] of Object.entries({ ...numbers(e.fields), ...money }))
            if (!metric.endsWith(':hi') && isStorableText(metric))
              minutes.set(`${k.tenant} ${k.campaign} ${k.minute} ${metric}`, [
                k.tenant,
                k.campaign,
                new Date(k.minute * 60_000),
                metric,
                String(v),
              ]);
        }
      }
    for (const c of counters.values())
      await client.query(
        `INSERT INTO campaign_counters(tenant_id, campaign_id, counts, money, snapshot_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, campaign_id) DO UPDATE SET counts = coalesce($6, campaign_counters.counts),
           money = coalesce($7, campaign_counters.money), snapshot_id = EXCLUDED.snapshot_id, updated_at = now()`,
        [c.tenant, c.campaign, c.counts ?? '{}', c.money ?? '{}', id, c.counts ?? null, c.money ?? null],
      );
    await storeRows(
      client,
      [...minutes.values()],
      `INSERT INTO campaign_minute_counts(tenant_id, campaign_id, minute, metric, value)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::bigint[])
       ON CONFLICT (tenant_id, campaign_id, minute, metric) DO UPDATE SET value = EXCLUDED.value`,
    );
  }

  function storable(...texts: string[]): boolean {
    const ok = texts.every((t) => t.length > 0 && isStorableText(t));
    if (!ok) log.warn({ bytes: texts.map((t) => t.length) }, 'snapshot_row_skipped_unstorable');
    return ok;
  }

  return {
    tick(): Promise<number> {
      return running ?? this.snapshot();
    },
    /** Takes a snapshot that includes every write made before the call. */
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
    lastStats: () => last,
  };
}

function numbers(fields: Record<string, string>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(fields)
      .filter(([k]) => !/^(cost|revenue):/.test(k))
      .map(([k, v]) => [k, Number(v)]),
  );
}

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
