/**
 * A rebuild replays the events topic from the last snapshot, so the compiled aggregator refuses to
 * start on a topic that keeps records for less than the snapshot interval plus the margin: it
 * exits non-zero and says why. On a topic that keeps them long enough, /metrics shows what a
 * rebuild would need.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { TOPICS, topicNames } from '@tally/events';
import { eventually, isolate, type Isolation } from '@tally/testing';
import { spawnAggregator } from './aggregator-process.ts';

async function createEventsTopic(iso: Isolation, config: Record<string, string>): Promise<void> {
  const kafka = new Kafka({ brokers: iso.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: topicNames(iso.topicSuffix).events,
          numPartitions: TOPICS.events.partitions,
          configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

const lines = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string; reason?: string; level: string });

describe('the events topic retention', () => {
  let iso: Isolation | undefined;
  afterEach(async () => {
    await iso?.cleanup();
    iso = undefined;
  });

  it('too short for a rebuild: the aggregator exits non-zero and says why', async () => {
    iso = await isolate('ret');
    await createEventsTopic(iso, { 'retention.ms': '60000' });
    const agg = spawnAggregator(
      iso,
      { LOG_LEVEL: 'info', SNAPSHOT_INTERVAL_MS: '5000', RETENTION_MARGIN_MS: '3600000' },
      { capture: true },
    );
    const code = await new Promise<number | null>((resolve) => agg.child.once('exit', resolve));
    expect(code).toBe(1);
    const fatal = lines(agg.output()).find((l) => l.msg === 'events_retention_too_short');
    expect(fatal?.level).toBe('fatal');
    expect(fatal?.reason).toContain(
      `the events topic ${topicNames(iso.topicSuffix).events} keeps records 60000 ms`,
    );
    expect(fatal?.reason).toContain(
      'SNAPSHOT_INTERVAL_MS + RETENTION_MARGIN_MS = 5000 + 3600000 = 3605000 ms',
    );
  }, 60_000);

  it('compacted: refused too (a compacted topic keeps one record per recipient)', async () => {
    iso = await isolate('retc');
    await createEventsTopic(iso, { 'cleanup.policy': 'compact' });
    const agg = spawnAggregator(iso, { LOG_LEVEL: 'info' }, { capture: true });
    const code = await new Promise<number | null>((resolve) => agg.child.once('exit', resolve));
    expect(code).toBe(1);
    expect(lines(agg.output()).find((l) => l.msg === 'events_retention_too_short')?.reason).toContain(
      'cleanup.policy=compact',
    );
  }, 60_000);

  it('long enough: the aggregator runs and /metrics shows what a rebuild would need', async () => {
    iso = await isolate('retok');
    await createEventsTopic(iso, { 'retention.ms': String(2 * 3_600_000) });
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const agg = spawnAggregator(iso, { PORT: String(port) });
    try {
      const metrics = await eventually(
        async () => {
          try {
            return await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          } catch {
            return '';
          }
        },
        (text) => /aggregator_last_snapshot_age_seconds\{[^}]*\} \d/.test(text),
        { timeoutMs: 30_000, intervalMs: 300 },
      );
      expect(metrics).toMatch(/aggregator_events_retention_seconds\{[^}]*\} 7200\n/);
      expect(metrics).toMatch(/aggregator_rebuild_missing_records\{[^}]*\} 0\n/);
      expect(metrics).toMatch(/aggregator_rebuild_oldest_record_age_seconds\{[^}]*\} 0\n/);
    } finally {
      await agg.stop();
    }
  }, 60_000);
});
