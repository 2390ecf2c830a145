import { Kafka, logLevel } from 'kafkajs';
import { eventually } from './fixtures.ts';

/** Waits until the group's committed offsets reach the end of every partition of the topic. */
export async function waitForConsumerCaughtUp(
  brokers: string[],
  groupId: string,
  topic: string,
  timeoutMs = 30_000,
): Promise<void> {
  const admin = new Kafka({ clientId: 'test-lag', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await eventually(
      async () => {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const byPartition = new Map(committed?.partitions.map((p) => [p.partition, BigInt(p.offset)]) ?? []);
        return ends.map((e) => ({
          p: e.partition,
          end: e.offset,
          at: String(byPartition.get(e.partition) ?? -1n),
        }));
      },
      (rows) => rows.every((r) => r.end === '0' || r.at === r.end),
      { timeoutMs, intervalMs: 200 },
    );
  } finally {
    await admin.disconnect();
  }
}
