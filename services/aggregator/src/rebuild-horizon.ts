/**
 * What a rebuild from the last snapshot would need from Kafka, measured for /metrics when it is
 * scraped (at most once per `maxAgeMs`, one measurement at a time):
 * - `aggregator_last_snapshot_age_seconds`: since the last snapshot of this state was stored;
 * - `aggregator_rebuild_oldest_record_age_seconds`: age of the oldest record a rebuild would
 *   replay — the first record at or after each partition's snapshotted offset (0 when every
 *   partition's snapshot is at its high watermark), by the records' Kafka timestamps
 *   (oldestRecordTime: ListOffsets-by-time, to a second);
 * - `aggregator_rebuild_missing_records`: records a rebuild would need that Kafka no longer holds
 *   (the log start is past the snapshotted offset): anything above 0 means a rebuild now would be
 *   short;
 * - `aggregator_events_retention_seconds`: the events topic's retention.ms (-1 = unbounded).
 * Alert when the oldest record's age nears the retention, and on any missing record.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Pool } from '@tally/db';
import { oldestRecordTime, type TopicAdmin, type Watermark } from '@tally/kafka';
import type { Logger } from '@tally/logging';

export interface RebuildHorizon {
  lastSnapshotAgeS: number | null;
  oldestRecordAgeS: number;
  missingRecords: number;
  retentionS: number | null;
}

export interface RebuildHorizonOptions {
  pool: Pool;
  admin: TopicAdmin;
  topic: string;
  statePrefix: string;
  registry: Registry;
  logger: Logger;
  maxAgeMs?: number;
  now?: () => number;
}

/** Beyond this, ages are reported as this (a week: longer than any sane snapshot lag). */
const HORIZON_MS = 7 * 86_400_000;

/**
 * Per partition, where a rebuild would replay from (its snapshotted offset; the first offset when
 * no snapshot holds it) against what Kafka holds: the records already deleted (log start past that
 * offset), and the offsets to replay from where any record is left. Pure.
 */
export function rebuildNeeds(
  cuts: Map<number, number>,
  marks: Watermark[],
): { missingRecords: number; needed: { partition: number; offset: number }[] } {
  let missingRecords = 0;
  const needed: { partition: number; offset: number }[] = [];
  for (const m of marks) {
    const from = cuts.get(m.partition) ?? 0;
    missingRecords += Math.max(0, m.low - from);
    const start = Math.max(from, m.low);
    if (start < m.high) needed.push({ partition: m.partition, offset: start });
  }
  return { missingRecords, needed };
}

export async function measureRebuildHorizon(
  o: Pick<RebuildHorizonOptions, 'pool' | 'admin' | 'topic' | 'statePrefix'>,
  now: number,
): Promise<RebuildHorizon> {
  const { rows } = await o.pool.query<{ partition: number; next_offset: string; taken_ms: string }>(
    `SELECT c.partition, c.next_offset, (extract(epoch FROM s.taken_at) * 1000)::bigint::text AS taken_ms
       FROM partition_cuts c JOIN snapshots s ON s.id = c.snapshot_id
      WHERE c.state_prefix = $1 AND c.topic = $2`,
    [o.statePrefix, o.topic],
  );
  const [marks, retention] = await Promise.all([o.admin.watermarks(o.topic), o.admin.retention(o.topic)]);
  const { missingRecords, needed } = rebuildNeeds(
    new Map(rows.map((r) => [r.partition, Number(r.next_offset)])),
    marks,
  );
  let oldestRecordAgeS = 0;
  if (needed.length > 0) {
    const oldest = await oldestRecordTime(o.admin, o.topic, needed, {
      now,
      horizonMs: HORIZON_MS,
      resolutionMs: 1000,
    });
    oldestRecordAgeS = Math.max(0, now - (oldest ?? now - HORIZON_MS)) / 1000;
  }
  const taken = rows.map((r) => Number(r.taken_ms));
  return {
    lastSnapshotAgeS: taken.length > 0 ? Math.max(0, now - Math.max(...taken)) / 1000 : null,
    oldestRecordAgeS,
    missingRecords,
    retentionS: retention.retentionMs === null ? null : retention.retentionMs / 1000,
  };
}

/** Registers the gauges; each scrape reuses a measurement younger than `maxAgeMs`. */
export function registerRebuildHorizon(o: RebuildHorizonOptions): void {
  const now = o.now ?? Date.now;
  const maxAgeMs = o.maxAgeMs ?? 5000;
  let last: { at: number; value: RebuildHorizon } | undefined;
  let running: Promise<RebuildHorizon | undefined> | undefined;
  const current = async (): Promise<RebuildHorizon | undefined> => {
    const t = now();
    if (last && t - last.at < maxAgeMs) return last.value;
    running ??= measureRebuildHorizon(o, t)
      .then((value) => {
        last = { at: t, value };
        return value;
      })
      .catch((err: unknown) => {
        o.logger.warn({ err: (err as Error).message }, 'rebuild_horizon_unavailable');
        return last?.value;
      })
      .finally(() => (running = undefined));
    return running;
  };
  const gauge = (name: string, help: string, pick: (h: RebuildHorizon) => number | null) =>
    new Gauge({
      name,
      help,
      registers: [o.registry],
      async collect() {
        const h = await current();
        const v = h ? pick(h) : undefined;
        if (v === undefined) return;
        this.set(v ?? -1);
      },
    });
  gauge(
    'aggregator_last_snapshot_age_seconds',
    'Seconds since the last snapshot of this state was stored in Postgres (-1: none yet)',
    (h) => h.lastSnapshotAgeS,
  );
  gauge(
    'aggregator_rebuild_oldest_record_age_seconds',
    'Age of the oldest Kafka record a rebuild from the last snapshot would replay (0: none needed)',
    (h) => h.oldestRecordAgeS,
  );
  gauge(
    'aggregator_rebuild_missing_records',
    'Records a rebuild from the last snapshot would need that Kafka no longer holds (must be 0)',
    (h) => h.missingRecords,
  );
  gauge(
    'aggregator_events_retention_seconds',
    "The events topic's retention.ms in seconds (-1: unbounded)",
    (h) => h.retentionS,
  );
}
