/**
 * A campaign metric per minute or hour, stitched from the live minute buckets in Redis (the last
 * TIMESERIES_LIVE_MINUTES) and the Postgres rollups (`campaign_minute_counts`, as of the last
 * snapshot) for older minutes. The split is by minute, so each minute is read from exactly one
 * side and no bucket is counted twice.
 */
import { readMinuteBuckets } from '@tally/counters';
import type { QueryApiDeps } from './deps.ts';
import { whole } from './read-guard.ts';

export type Bucket = '1m' | '1h';
export const BUCKET_MINUTES: Record<Bucket, number> = { '1m': 1, '1h': 60 };

export interface SeriesRequest {
  tenant: string;
  campaign: string;
  metrics: readonly string[];
  /** Epoch minutes, inclusive, aligned to the bucket. */
  fromMinute: number;
  toMinute: number;
  bucket: Bucket;
  nowMs: number;
}

const minuteIso = (minute: number) => new Date(minute * 60_000).toISOString();

/** Per bucket start (epoch minute) and metric, the sum; undefined for an unknown campaign. */
export async function readSeries(
  deps: QueryApiDeps,
  req: SeriesRequest,
): Promise<Map<number, Record<string, number>> | undefined> {
  const size = BUCKET_MINUTES[req.bucket];
  const nowMinute = Math.floor(req.nowMs / 60_000);
  const liveFrom = nowMinute - deps.config.TIMESERIES_LIVE_MINUTES + 1;
  const out = new Map<number, Record<string, number>>();
  const add = (minute: number, metric: string, v: number) => {
    const start = minute - (((minute % size) + size) % size);
    const row = out.get(start) ?? {};
    row[metric] = (row[metric] ?? 0) + v;
    out.set(start, row);
  };
  const live = await whole(() =>
    readMinuteBuckets(
      deps.redis,
      deps.keys,
      req.tenant,
      req.campaign,
      Math.max(req.fromMinute, liveFrom),
      // no bucket exists past the current minute: never read more than the live span
      Math.min(req.toMinute + size - 1, nowMinute),
    ),
  );
  if (!live) return undefined;
  for (const [minute, fields] of live)
    for (const m of req.metrics) if (fields[m] !== undefined) add(minute, m, fields[m]);
  const pgTo = Math.min(req.toMinute + size, liveFrom);
  if (req.fromMinute < pgTo) {
    // a heavy read (heavy-reads.ts): its own turn, unless the caller's read already has one
    const { rows } = await deps.heavy.run(req.tenant, () =>
      deps.heavy.pool.query<{ minute: string; metric: string; value: string }>(
        `SELECT floor(extract(epoch FROM minute) / 60)::bigint AS minute, metric, value
           FROM campaign_minute_counts
          WHERE tenant_id = $1 AND campaign_id = $2 AND metric = ANY($3)
            AND minute >= $4::timestamptz AND minute < $5::timestamptz`,
        // instants, not minute numbers the query multiplies (int4 overflows outside 1902–2037)
        [req.tenant, req.campaign, req.metrics, minuteIso(req.fromMinute), minuteIso(pgTo)],
      ),
    );
    for (const r of rows) add(Number(r.minute), r.metric, Number(r.value));
  }
  return out;
}
