/**
 * What an owner knows of its partition's records: decoded records (or "known absent") by field,
 * read through from Redis. Valid only while this process owns the partition and only for
 * committed state: the store (store.ts) drops it whenever a commit does not go through. Bounded:
 * beyond `limit` entries per kind the oldest are forgotten and re-read when next needed.
 *
 * Recipients are kept whole: a cached recipient has an entry for every one of its messages, and
 * `trim` forgets a recipient together with its messages (a cluster). So a load asks only what a
 * batch names and the clusters it reads anew; a recipient it finds cached costs nothing however
 * many messages it has (walking every message of every touched recipient made the cost of an
 * event grow with the recipient's history: bench/CHANGES.md, the soak). A message listed by two
 * recipients (events that disagree on its recipient) is `shared`: it is never forgotten while
 * this owner keeps its memory, since forgetting one recipient's cluster must not leave the other
 * recipient cached without it.
 */
import { batch, type RedisClient } from '@tally/redis';
import type { PartitionKeys } from '../keys.ts';
import type { Cluster } from '../state/count-cluster.ts';
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
  /** Each recipient with its messages by id (the same records as `messages` holds). */
  private readonly recipients = new Map<string, Cluster | null>();
  private readonly messages = new Map<string, StoredMessage | null>();
  private readonly loose = new Map<string, StoredLoose | null>();
  private readonly tombstones = new Map<string, number | null>();
  /** Directory entries (never cached: another partition's owner writes them). */
  private directory = new Map<string, number>();
  /** Messages listed by a recipient other than the one they record (see the module doc). */
  private readonly shared = new Set<string>();

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
    return this.recipients.get(field)?.rec;
  }
  /**
   * A recipient with its messages by id: whoever changes the recipient's message list changes this
   * map with it (batch.ts, retire.ts), so a batch never walks the list to assemble it.
   */
  cluster(field: string): Cluster | undefined {
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
  /** A message the batch lists under another recipient than the one it records (batch.ts). */
  markShared(field: string): void {
    this.shared.add(field);
  }
  /** A recipient new here (no messages yet), or null: none. */
  setRecipient(field: string, r: RecipientRec | null): Cluster | null {
    const c = r && { rec: r, messages: this.messagesOf(r) };
    this.recipients.set(field, c);
    return c;
  }

  /** The cached messages a recipient lists, by id. */
  private messagesOf(rec: RecipientRec): Cluster['messages'] {
    const out: Cluster['messages'] = new Map();
    for (const id of rec.messageIds) {
      const m = this.messages.get(fieldOf(rec.tenant, id));
      if (m) out.set(id, m.rec);
    }
    return out;
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
    this.shared.clear();
  }

  /**
   * Forgets the oldest entries beyond the limit (Map order is insertion order). A recipient goes
   * with its messages, and a message of a cached recipient takes its recipient's cluster with it,
   * so every recipient left cached is whole (see the module doc).
   */
  trim(): void {
    let extra = this.recipients.size - this.limit;
    for (const f of this.recipients.keys()) {
      if (extra-- <= 0) break;
      this.forgetCluster(f);
    }
    for (const [f, m] of this.messages) {
      if (this.messages.size <= this.limit) break;
      if (this.shared.has(f)) continue;
      const rid = m && !m.anon ? m.rec.recipient?.[1] : undefined;
      if (m && rid !== undefined) this.forgetCluster(fieldOf(m.rec.tenant, rid));
      this.messages.delete(f);
    }
    for (const m of [this.loose, this.tombstones] as Map<string, unknown>[]) {
      let extra = m.size - this.limit;
      for (const k of m.keys()) {
        if (extra-- <= 0) break;
        m.delete(k);
      }
    }
  }

  /** Forgets a recipient and the entries of its messages. */
  private forgetCluster(field: string): void {
    const rec = this.recipients.get(field)?.rec;
    this.recipients.delete(field);
    for (const id of rec?.messageIds ?? []) {
      const mf = fieldOf(rec?.tenant ?? '', id);
      if (!this.shared.has(mf)) this.messages.delete(mf);
    }
  }

  /**
   * Reads what is not cached yet so that every entity a batch touches is whole: the given
   * recipients, messages, loose events and tombstones, then — round after round — every message of
   * every recipient read and the recipient of every message involved. A cached recipient is whole
   * already (trim keeps clusters whole), so its messages are not walked.
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
    /** Message → a recipient read now that lists it (to find shared messages once all is read). */
    const listedBy = new Map<string, string>();
    /** Recipients read now: cached once their messages are (each with its map, `setRecipient`). */
    const read = new Map<string, RecipientRec | null>();
    let r = [...want.recipients];
    let m = [...want.messages];
    while (r.length > 0 || m.length > 0) {
      for (const f of r) seenR.add(f);
      for (const f of m) seenM.add(f);
      const missR = r.filter((f) => !this.recipients.has(f) && !read.has(f));
      const missM = m.filter((f) => !this.messages.has(f));
      if (missR.length > 0 || missM.length > 0) {
        const got = await readFields(this.redis, [
          [this.keys.recipients, missR],
          [this.keys.messages, missM],
        ]);
        missR.forEach((f, i) => {
          const v = got.get(this.keys.recipients)?.[i];
          read.set(f, v ? decodeRecipient(f, v) : null);
        });
        missM.forEach((f, i) => {
          const v = got.get(this.keys.messages)?.[i];
          this.messages.set(f, v ? decodeMessage(f, v) : null);
        });
      }
      const nextR = new Set<string>();
      const nextM = new Set<string>();
      // the messages of a recipient read now (a recipient found cached has them all: trim)
      for (const f of missR) {
        const rec = read.get(f);
        for (const id of rec?.messageIds ?? []) {
          const mf = fieldOf(rec?.tenant ?? '', id);
          listedBy.set(mf, f);
          if (!seenM.has(mf) && !this.messages.has(mf)) nextM.add(mf);
        }
      }
      // the recipient of every message involved, unless it is cached (and so whole)
      for (const f of m) {
        const msg = this.messages.get(f);
        const rid = msg && !msg.anon ? msg.rec.recipient?.[1] : undefined;
        if (!msg || rid === undefined) continue;
        const rf = fieldOf(msg.rec.tenant, rid);
        if (!seenR.has(rf) && !this.recipients.has(rf) && !read.has(rf)) nextR.add(rf);
      }
      r = [...nextR];
      m = [...nextM];
    }
    for (const [f, rec] of read) this.setRecipient(f, rec);
    for (const [mf, rf] of listedBy) {
      const msg = this.messages.get(mf);
      const rid = msg && !msg.anon ? msg.rec.recipient?.[1] : undefined;
      if (msg && rid !== undefined && fieldOf(msg.rec.tenant, rid) !== rf) this.shared.add(mf);
    }
  }
}
