/**
 * What an owner knows of its partition's records: decoded records (or "known absent") by field,
 * read through from Redis. Valid only while this process owns the partition and only for
 * committed state: the store (store.ts) drops it whenever a commit does not go through. Bounded:
 * beyond `limit` entries per kind the oldest are forgotten and re-read when next needed.
 *
 * A cached recipient is kept as a cluster: the recipient with its cached messages by id. A batch
 * reads only what its events name — the recipient, the message — unless the recipient has a
 * recipient part (`RecipientRec.recipientPart`: attribution reads every message) or its events
 * may give it one; then, and for retirement and an audience row that folds every message (one
 * whose record keeps no live summary: applier.ts), the cluster is made whole (every message it
 * lists read). So an event does not read the recipient's history (reading every
 * message of every touched recipient made the cost grow with it: bench/CHANGES.md, the soak).
 *
 * Invariants: a cluster's map holds the same objects as `messages`: every message it lists when
 * the cluster is whole; when not, those read for it or touched by a batch (a message the recipient
 * lists and a load read under another recipient joins when a batch reaches it: batch.ts); `trim`
 * forgets a recipient with its messages, and a message of a cached recipient
 * with its recipient's cluster. A message listed by two recipients (events that disagree on its
 * recipient) is `shared` and never forgotten while this owner keeps its memory, so no cluster is
 * left holding a record the cache has forgotten.
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
  /** Recipients whose clusters must be whole (every message they list read). */
  whole: Set<string>;
  /** Messages whose recipients' clusters must be whole (their events may add a recipient part). */
  wholeVia: Set<string>;
  /** Every cluster the load involves made whole (a batch folded again after a partial one fell short). */
  allWhole?: boolean;
}

export const wanted = (w: Partial<Wanted>): Wanted => ({
  recipients: w.recipients ?? new Set(),
  messages: w.messages ?? new Set(),
  loose: w.loose ?? new Set(),
  tombstones: w.tombstones ?? new Set(),
  directory: w.directory ?? new Set(),
  whole: w.whole ?? new Set(),
  wholeVia: w.wholeVia ?? new Set(),
  ...(w.allWhole ? { allWhole: true } : {}),
});

/** The field of the recipient a message records as its own (none for one held without one). */
function recipientFieldOf(m: StoredMessage): string | undefined {
  const rid = m.anon ? undefined : m.rec.recipient?.[1];
  return rid === undefined ? undefined : fieldOf(m.rec.tenant, rid);
}

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
  /** Recipients whose clusters are whole: every message they list is cached. */
  private readonly wholeClusters = new Set<string>();

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

  /** Whether the entry is cached (a record, or known absent). */
  has(kind: 'recipient' | 'message', field: string): boolean {
    return (kind === 'recipient' ? this.recipients : this.messages).has(field);
  }
  recipient(field: string): RecipientRec | undefined {
    return this.recipients.get(field)?.rec;
  }
  /**
   * A recipient with its cached messages by id: whoever changes the recipient's message list
   * changes this map with it (batch.ts, retire.ts), so a batch never walks the list to assemble it.
   */
  cluster(field: string): Cluster | undefined {
    return this.recipients.get(field) ?? undefined;
  }
  /** Messages the recipient lists that are not cached (what making its cluster whole reads). */
  unread(field: string): number {
    const c = this.recipients.get(field);
    if (!c || this.wholeClusters.has(field)) return 0;
    let n = 0;
    for (const id of c.rec.messageIds) if (!this.messages.has(fieldOf(c.rec.tenant, id))) n++;
    return n;
  }
  /** Whether every message the recipient lists is in its cluster. */
  isWhole(field: string): boolean {
    return this.wholeClusters.has(field);
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
  /** A recipient new here (no messages yet: whole), or null: none. */
  setRecipient(field: string, r: RecipientRec | null): Cluster | null {
    const c = r && { rec: r, messages: this.messagesOf(field, r) };
    this.recipients.set(field, c);
    if (r && r.messageIds.length === 0) this.wholeClusters.add(field);
    else this.wholeClusters.delete(field);
    return c;
  }

  /** The cached messages a recipient lists, by id (noting those recorded under another one). */
  private messagesOf(field: string, rec: RecipientRec): Cluster['messages'] {
    const out: Cluster['messages'] = new Map();
    for (const id of rec.messageIds) {
      const mf = fieldOf(rec.tenant, id);
      const m = this.messages.get(mf);
      if (!m) continue;
      out.set(id, m.rec);
      if (!this.recordedUnder(m, field)) this.shared.add(mf);
    }
    return out;
  }

  /** Whether a message records the recipient `field` as its own. */
  private recordedUnder(m: StoredMessage, field: string): boolean {
    return recipientFieldOf(m) === field;
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
    this.wholeClusters.clear();
  }

  /**
   * Forgets the oldest entries beyond the limit (Map order is insertion order). A recipient goes
   * with its messages, and a message of a cached recipient takes its recipient's cluster with it
   * (see the module doc).
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
      const rf = m && recipientFieldOf(m);
      if (rf) this.forgetCluster(rf);
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
    this.wholeClusters.delete(field);
    for (const id of rec?.messageIds ?? []) {
      const mf = fieldOf(rec?.tenant ?? '', id);
      if (!this.shared.has(mf)) this.messages.delete(mf);
    }
  }

  /**
   * Reads what is not cached yet: the given recipients, messages, loose events and tombstones, and
   * the recipient of every message involved; then makes whole the clusters that must be (`Wanted`,
   * and every involved recipient whose `recipientPart` is not known to be false).
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
    // the records named, then the recipients of the messages named (recorded in the message)
    const involved = new Set(want.recipients);
    const whole = new Set(want.whole);
    await this.read([...want.recipients], [...want.messages]);
    const via: string[] = [];
    for (const f of want.messages) {
      const msg = this.messages.get(f);
      const rf = msg && recipientFieldOf(msg);
      if (!rf) continue;
      involved.add(rf);
      if (want.wholeVia.has(f)) whole.add(rf);
      if (!this.recipients.has(rf)) via.push(rf);
    }
    await this.read(via, []);
    for (const f of involved) {
      const part = this.recipients.get(f)?.rec.recipientPart;
      if (want.allWhole || part !== false) whole.add(f);
    }
    await this.makeWhole(whole);
  }

  /** Reads recipients and messages not cached; a message read joins its recipient's cached cluster. */
  private async read(recipients: string[], messages: string[]): Promise<void> {
    const missR = recipients.filter((f) => !this.recipients.has(f));
    const missM = messages.filter((f) => !this.messages.has(f));
    if (missR.length === 0 && missM.length === 0) return;
    const got = await readFields(this.redis, [
      [this.keys.recipients, missR],
      [this.keys.messages, missM],
    ]);
    missM.forEach((f, i) => {
      const v = got.get(this.keys.messages)?.[i];
      this.messages.set(f, v ? decodeMessage(f, v) : null);
    });
    missR.forEach((f, i) => {
      const v = got.get(this.keys.recipients)?.[i];
      this.setRecipient(f, v ? decodeRecipient(f, v) : null);
    });
    for (const f of missM) {
      const m = this.messages.get(f);
      const rf = m && recipientFieldOf(m);
      if (!m || !rf) continue;
      const c = this.recipients.get(rf);
      if (c && c.rec.messageIds.includes(m.rec.messageId)) c.messages.set(m.rec.messageId, m.rec);
    }
  }

  /** Reads every message the given cached recipients list, so their clusters are whole. */
  private async makeWhole(fields: Set<string>): Promise<void> {
    const todo: string[] = [];
    const missing = new Set<string>();
    for (const f of fields) {
      const c = this.recipients.get(f);
      if (!c || this.wholeClusters.has(f)) continue;
      todo.push(f);
      for (const id of c.rec.messageIds) {
        const mf = fieldOf(c.rec.tenant, id);
        if (!this.messages.has(mf)) missing.add(mf);
      }
    }
    if (todo.length === 0) return;
    await this.read([], [...missing]);
    for (const f of todo) {
      const c = this.recipients.get(f);
      if (!c) continue;
      for (const [id, m] of this.messagesOf(f, c.rec)) c.messages.set(id, m);
      this.wholeClusters.add(f);
    }
  }
}
