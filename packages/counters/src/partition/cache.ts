/**
 * What an owner knows of its partition's records: decoded records (or "known absent") by field,
 * read through from Redis. Valid only while this process owns the partition and only for
 * committed state: the store (store.ts) drops it whenever a commit does not go through. Bounded:
 * beyond `limit` entries per kind the oldest are forgotten and re-read when next needed.
 */
import { batch, type RedisClient } from '@tally/redis';
import type { PartitionKeys } from '../keys.ts';
import type { RecipientRec } from '../state/recipient.ts';
import {
  decodeLoose,
  decodeMessage,
  decodeRecipient,
  fieldOf,
  type StoredLoose,
  type StoredMessage,
} from './codec.ts';

/** The fields a batch (or a sweep page, or an audience flush) needs loaded. */
export interface Wanted {
  recipients: Set<string>;
  messages: Set<string>;
  loose: Set<string>;
  tombstones: Set<string>;
  directory: Set<string>;
}

export const wanted = (w: Partial<Wanted>): Wanted => ({
  recipients: w.recipients ?? new Set(),
  messages: w.messages ?? new Set(),
  loose: w.loose ?? new Set(),
  tombstones: w.tombstones ?? new Set(),
  directory: w.directory ?? new Set(),
});

/** HMGET of several hashes in one round trip: key → fields → value (null when absent). */
async function readFields(
  redis: RedisClient,
  wanted: [key: string, fields: string[]][],
): Promise<Map<string, (string | null)[]>> {
  const asked = wanted.filter(([, f]) => f.length > 0);
  const res = await batch(
    redis,
    asked.map(([key, fields]) => [key, (c) => c.hmget(key, ...fields)]),
  );
  const out = new Map<string, (string | null)[]>();
  asked.forEach(([key], i) => out.set(key, (res[i] ?? []) as (string | null)[]));
  return out;
}

export class PartitionCache {
  private readonly recipients = new Map<string, RecipientRec | null>();
  private readonly messages = new Map<string, StoredMessage | null>();
  private readonly loose = new Map<string, StoredLoose | null>();
  private readonly tombstones = new Map<string, number | null>();
  /** Directory entries (never cached: another partition's owner writes them). */
  private directory = new Map<string, number>();

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: PartitionKeys,
    /** Entries kept; beyond it the oldest are forgotten (they are re-read when needed). */
    private readonly limit = 500_000,
  ) {}

  /** Entries held now (recipients, messages, loose events, tombstones): the memory bound's measure. */
  size(): number {
    return this.recipients.size + this.messages.size + this.loose.size + this.tombstones.size;
  }

  recipient(field: string): RecipientRec | undefined {
    return this.recipients.get(field) ?? undefined;
  }
  message(field: string): StoredMessage | undefined {
    return this.messages.get(field) ?? undefined;
  }
  looseEvent(field: string): StoredLoose | undefined {
    return this.loose.get(field) ?? undefined;
  }
  tombstone(field: string): number | undefined {
    return this.tombstones.get(field) ?? undefined;
  }
  /** The partition that holds the message, as the directory said when this batch was loaded. */
  directoryEntry(field: string): number | undefined {
    return this.directory.get(field);
  }
  /** A directory entry learnt after the batch was loaded (a claim found the message registered). */
  setDirectoryEntry(field: string, partition: number): void {
    this.directory.set(field, partition);
  }
  setRecipient(field: string, r: RecipientRec | null): void {
    this.recipients.set(field, r);
  }
  setMessage(field: string, m: StoredMessage | null): void {
    this.messages.set(field, m);
  }
  setLoose(field: string, l: StoredLoose | null): void {
    this.loose.set(field, l);
  }
  setTombstone(field: string, until: number | null): void {
    this.tombstones.set(field, until);
  }

  clear(): void {
    this.recipients.clear();
    this.messages.clear();
    this.loose.clear();
    this.tombstones.clear();
  }

  /** Forgets the oldest entries beyond the limit (Map order is insertion order). */
  trim(): void {
    for (const m of [this.recipients, this.messages, this.loose, this.tombstones] as Map<string, unknown>[]) {
      let extra = m.size - this.limit;
      for (const k of m.keys()) {
        if (extra-- <= 0) break;
        m.delete(k);
      }
    }
  }

  /**
   * Reads what is not cached yet so that every entity a batch touches is whole: the given
   * recipients, messages, loose events and tombstones, then — round after round — every message of
   * every recipient involved and the recipient of every message involved (cached or not).
   */
  async load(want: Wanted): Promise<void> {
    const e = [...want.loose].filter((f) => !this.loose.has(f));
    const x = [...want.tombstones].filter((f) => !this.tombstones.has(f));
    const d = [...want.directory];
    this.directory = new Map();
    if (e.length > 0 || x.length > 0 || d.length > 0) {
      const got = await readFields(this.redis, [
        [this.keys.loose, e],
        [this.keys.tombstones, x],
        [this.keys.directory, d],
      ]);
      d.forEach((f, i) => {
        const v = got.get(this.keys.directory)?.[i];
        if (v) this.directory.set(f, Number(v));
      });
      e.forEach((f, i) => {
        const v = got.get(this.keys.loose)?.[i];
        this.loose.set(f, v ? decodeLoose(f, v) : null);
      });
      x.forEach((f, i) => {
        const v = got.get(this.keys.tombstones)?.[i];
        this.tombstones.set(f, v ? Number(v) : null);
      });
    }
    const seenR = new Set<string>();
    const seenM = new Set<string>();
    let r = [...want.recipients];
    let m = [...want.messages];
    while (r.length > 0 || m.length > 0) {
      for (const f of r) seenR.add(f);
      for (const f of m) seenM.add(f);
      const missR = r.filter((f) => !this.recipients.has(f));
      const missM = m.filter((f) => !this.messages.has(f));
      if (missR.length > 0 || missM.length > 0) {
        const got = await readFields(this.redis, [
          [this.keys.recipients, missR],
          [this.keys.messages, missM],
        ]);
        missR.forEach((f, i) => {
          const v = got.get(this.keys.recipients)?.[i];
          this.recipients.set(f, v ? decodeRecipient(f, v) : null);
        });
        missM.forEach((f, i) => {
          const v = got.get(this.keys.messages)?.[i];
          this.messages.set(f, v ? decodeMessage(f, v) : null);
        });
      }
      const nextR = new Set<string>();
      const nextM = new Set<string>();
      for (const f of r) {
        const rec = this.recipients.get(f);
        for (const id of rec?.messageIds ?? []) {
          const mf = fieldOf(rec?.tenant ?? '', id);
          if (!seenM.has(mf)) nextM.add(mf);
        }
      }
      for (const f of m) {
        const msg = this.messages.get(f);
        const rid = msg && !msg.anon ? msg.rec.recipient?.[1] : undefined;
        if (msg && rid !== undefined && !seenR.has(fieldOf(msg.rec.tenant, rid)))
          nextR.add(fieldOf(msg.rec.tenant, rid));
      }
      r = [...nextR];
      m = [...nextM];
    }
  }
}
