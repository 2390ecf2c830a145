/**
 * Drives PartitionApplier on real Redis under a fresh key prefix per test: events become records
 * of the partitions a key function picks, applied in batches of the given sizes.
 */
import { deleteMatching, type RedisClient } from '@tally/redis';
import type { CanonicalEvent, Handover } from '@tally/events';
import { uniqueId } from '@tally/testing';
import {
  DEFAULT_TENANT_WINDOWS,
  markWhole,
  PartitionApplier,
  RedisKeys,
  type ApplierDeps,
  type InputRecord,
  type TenantWindows,
} from '../src/index.ts';

export type Ev = Partial<CanonicalEvent> & Pick<CanonicalEvent, 'eventId' | 'type' | 'occurredAt'>;

export const TOPIC = 'events';

export async function deletePrefix(redis: RedisClient, prefix: string): Promise<void> {
  await deleteMatching(redis, `${prefix}:*`);
}

export class Harness {
  readonly keys = new RedisKeys(uniqueId('ap'));
  private readonly appliers = new Map<number, PartitionApplier>();
  private readonly offsets = new Map<number, number>();
  windows: TenantWindows = DEFAULT_TENANT_WINDOWS;
  now = Date.now();

  constructor(private readonly redis: RedisClient) {}

  async init(partitions: number[]): Promise<void> {
    await markWhole(this.redis, this.keys, 'e');
    for (const p of partitions) await this.redis.hset(this.keys.partition(TOPIC, p).meta, 'epoch', 'e');
  }

  /**
   * Partition p's applier (one per partition). By default every message's home is the partition
   * applying it and forwards go nowhere; `place` says otherwise (given on first use).
   */
  applier(
    p: number,
    place: Partial<
      Pick<
        ApplierDeps,
        | 'messageHome'
        | 'forward'
        | 'cacheLimit'
        | 'commitRecords'
        | 'audienceFlushMs'
        | 'audienceReadsPerFlush'
      >
    > = {},
  ): PartitionApplier {
    let a = this.appliers.get(p);
    if (!a) {
      a = new PartitionApplier({
        redis: this.redis,
        keys: this.keys,
        topic: TOPIC,
        partition: p,
        minuteTtlSeconds: 26 * 3600,
        windows: () => Promise.resolve(() => this.windows),
        now: () => this.now,
        messageHome: place.messageHome ?? (() => p),
        forward: place.forward ?? (() => Promise.resolve()),
        ...(place.cacheLimit === undefined ? {} : { cacheLimit: place.cacheLimit }),
        ...(place.commitRecords === undefined ? {} : { commitRecords: place.commitRecords }),
        ...(place.audienceFlushMs === undefined ? {} : { audienceFlushMs: place.audienceFlushMs }),
        ...(place.audienceReadsPerFlush === undefined
          ? {}
          : { audienceReadsPerFlush: place.audienceReadsPerFlush }),
      });
      this.appliers.set(p, a);
    }
    return a;
  }

  /** Appends events to partition p's log and returns their records. */
  records(p: number, events: Ev[], arrival?: number): InputRecord[] {
    const first = this.offsets.get(p) ?? 0;
    this.offsets.set(p, first + events.length);
    return events.map((e, i) => ({
      offset: first + i,
      timestamp: arrival ?? Date.parse(e.occurredAt),
      event: { tenantId: 't', channel: 'sms', ...e },
    }));
  }

  /** Appends records forwarded to partition p (canonical events or control records, as JSON). */
  forwarded(p: number, forwards: { value: string; timestamp: number }[]): InputRecord[] {
    const first = this.offsets.get(p) ?? 0;
    this.offsets.set(p, first + forwards.length);
    return forwards.map((f, i) => {
      const v = JSON.parse(f.value) as CanonicalEvent | Handover;
      const offset = first + i;
      return 'control' in v
        ? { offset, timestamp: f.timestamp, control: v }
        : { offset, timestamp: f.timestamp, event: v };
    });
  }

  async apply(p: number, records: InputRecord[]) {
    return this.applier(p).apply(records);
  }

  async cleanup(): Promise<void> {
    await deletePrefix(this.redis, this.keys.prefix);
  }
}
