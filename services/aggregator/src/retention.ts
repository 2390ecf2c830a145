/**
 * A rebuild restores the last snapshot and replays the events topic from the offsets it holds, so
 * it is complete only while Kafka still keeps those records. At start the aggregator reads the
 * topic's effective retention and refuses to run with one that cannot cover a snapshot interval
 * plus a margin (or with compaction, which keeps only the newest record of a key — a recipient —
 * and would drop events from every rebuild). A size limit (retention.bytes) cannot be checked in
 * time and is only warned about; `aggregator_rebuild_*` in /metrics (rebuild-horizon.ts) show
 * what a rebuild would need, measured.
 */
import type { Retention } from '@tally/kafka';

export class RetentionTooShortError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetentionTooShortError';
  }
}

export interface RetentionRule {
  topic: string;
  snapshotIntervalMs: number;
  marginMs: number;
}

/** Why the topic's retention cannot carry a rebuild, or undefined when it can. Pure. */
export function retentionProblem(r: Retention, rule: RetentionRule): string | undefined {
  if (r.cleanupPolicy.includes('compact'))
    return (
      `the events topic ${rule.topic} has cleanup.policy=${r.cleanupPolicy.join(',')}: compaction keeps only ` +
      `the newest record of each key (a recipient), so a rebuild from the last snapshot would miss events; ` +
      `set cleanup.policy=delete`
    );
  const needed = rule.snapshotIntervalMs + rule.marginMs;
  if (r.retentionMs !== null && r.retentionMs < needed)
    return (
      `the events topic ${rule.topic} keeps records ${r.retentionMs} ms (retention.ms), less than ` +
      `SNAPSHOT_INTERVAL_MS + RETENTION_MARGIN_MS = ${rule.snapshotIntervalMs} + ${rule.marginMs} = ${needed} ms: ` +
      `a rebuild from the last snapshot would miss records Kafka has already deleted. Raise the topic's ` +
      `retention.ms (kafka-configs.sh --alter --entity-type topics --entity-name ${rule.topic} ` +
      `--add-config retention.ms=<ms>; docs/operations.md) or lower SNAPSHOT_INTERVAL_MS`
    );
  return undefined;
}
