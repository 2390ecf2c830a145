/**
 * Which partition a record key goes to: kafkajs's default partitioner (murmur2 of the key, as the
 * Java client), so the aggregator can tell where ingest put a message's recipient-less events.
 */
import { Partitioners } from 'kafkajs';

const partitioner = Partitioners.DefaultPartitioner();

const metadata = new Map<
  number,
  { partitionErrorCode: number; partitionId: number; leader: number; replicas: number[]; isr: number[] }[]
>();

export function partitionOfKey(key: string, partitions: number): number {
  let partitionMetadata = metadata.get(partitions);
  if (!partitionMetadata) {
    partitionMetadata = Array.from({ length: partitions }, (_, i) => ({
      partitionErrorCode: 0,
      partitionId: i,
      leader: 0,
      replicas: [0],
      isr: [0],
    }));
    metadata.set(partitions, partitionMetadata);
  }
  return partitioner({
    topic: 'events',
    partitionMetadata,
    message: { key, value: null },
  });
}
