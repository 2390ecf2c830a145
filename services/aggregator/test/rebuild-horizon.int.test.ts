/**
 * What a rebuild from the last snapshot would need, measured on real Kafka and Postgres: nothing
 * right after a snapshot of everything, then the records published since (their age). Records
 * Kafka deleted before a snapshot held them are counted by rebuildNeeds (rebuild-horizon.test.ts:
 * Kafka 4 no longer serves the DeleteRecords versions kafkajs speaks, so a test cannot move a log
 * start here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { createTopicAdmin, type TopicAdmin } from '@tally/kafka';
import { isolate, type Isolation } from '@tally/testing';
import { measureRebuildHorizon } from '../src/rebuild-horizon.ts';

describe('the rebuild horizon', () => {
  let iso: Isolation;
  let kafka: Kafka;
  let raw: Admin;
  let admin: TopicAdmin;
  let topic: string;
  const prefix = 'rh';
  const publish = async (partition: number, n: number) => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: n }, (_, i) => ({ partition, value: `r${i}` })),
    });
    await producer.disconnect();
  };
  /** A snapshot that holds partition p up to `next` (what the snapshotter stores). */
  const snapshotAt = async (partition: number, next: number) => {
    const { rows } = await iso.db.pool.query<{ id: string }>(
      "INSERT INTO snapshots(consumer_group, campaigns) VALUES ('g', 0) RETURNING id",
    );
    await iso.db.pool.query(
      `INSERT INTO partition_cuts(state_prefix, topic, partition, next_offset, stream_ms, outbox, snapshot_id)
       VALUES ($1, $2, $3, $4, 0, '', $5)
       ON CONFLICT (state_prefix, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset,
         snapshot_id = EXCLUDED.snapshot_id`,
      [prefix, topic, partition, next, rows[0]?.id],
    );
  };
  const measure = () =>
    measureRebuildHorizon({ pool: iso.db.pool, admin, topic, statePrefix: prefix }, Date.now());

  beforeAll(async () => {
    iso = await isolate('rh');
    topic = `rh-${iso.topicSuffix}`;
    kafka = new Kafka({ brokers: iso.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    raw = kafka.admin();
    await raw.connect();
    await raw.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '86400000' }] }],
    });
    admin = createTopicAdmin(kafka);
  });
  afterAll(async () => {
    await admin.close();
    await raw.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await raw.disconnect();
    await iso.cleanup();
  });

  it('needs nothing when every partition is snapshotted at its end', async () => {
    await publish(0, 3);
    await snapshotAt(0, 3);
    await snapshotAt(1, 0);
    const h = await measure();
    expect(h).toMatchObject({ oldestRecordAgeS: 0, missingRecords: 0, retentionS: 86_400 });
    expect(h.lastSnapshotAgeS).toBeLessThan(60);
  });

  it('needs the records published since, as old as they are', async () => {
    await publish(1, 4);
    await new Promise((r) => setTimeout(r, 2500));
    const h = await measure();
    expect(h.missingRecords).toBe(0);
    expect(h.oldestRecordAgeS).toBeGreaterThanOrEqual(1.5);
    expect(h.oldestRecordAgeS).toBeLessThan(60);
  });
});
