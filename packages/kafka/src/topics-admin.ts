/**
 * Topics are created by the project, never by broker auto-create: partition counts are part of the
 * design (see @tally/events TOPICS).
 */
import type { Kafka } from 'kafkajs';

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor?: number;
}

/** Creates the topics that do not exist yet; existing ones are left as they are. Idempotent. */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length === 0) return;
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          replicationFactor: s.replicationFactor ?? 1,
        })),
      });
    } catch (err) {
      // Services starting together race to create the topics; losing that race is fine.
      const now = new Set(await admin.listTopics());
      if (!missing.every((s) => now.has(s.name))) throw err;
    }
  } finally {
    await admin.disconnect();
  }
}
