/**
 * What an owner knows of its partition's records: decoded records (or "known absent") by field,
 * read through from Redis. Valid only while this process owns the partition and only for
 * committed state: the applier drops it whenever a batch does not commit.
 */
import type { Redis } from 'ioredis';
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
import { readFields } from './store.ts';

export class PartitionCache {
  private readonly recipients = new Map<string, RecipientRec | null>();
  private readonly messages = new Map<string, StoredMessage | null>();
  private readonly loose = new Map<string, StoredLoose | null>();
  private readonly tombstones = new Map<string, number | null>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: PartitionKeys,
    /** Entries kept; beyond it the oldest are forgotten (they are re-read when needed). */
    private readonly limit = 500_000,
  ) {}

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
   * Reads what is not cached yet: the given recipients, messages, loose events and tombstones,
   * then — round after round — the messages of every recipient read and the recipient of every
   * message read, so each entity a batch touches is whole.
   */
  async load(want: { recipients: Set<string>; messages: Set<string>; loose: Set<string>; tombstones: Set<string> }): Promise<void> {
    let r = [...want.recipients].filter((f) => !this.recipients.has(f));
    let m = [...want.messages].filter((f) => !this.messages.has(f));
    const e = [...want.loose].filter((f) => !this.loose.has(f));
    const x = [...want.tombstones].filter((f) => !this.tombstones.has(f));
    let first = true;
    while (r.length > 0 || m.length > 0 || (first && (e.length > 0 || x.length > 0))) {
      const wanted: [string, string[]][] = [
        [this.keys.recipients, r],
        [this.keys.messages, m],
      ];
      if (first) wanted.push([this.keys.loose, e], [this.keys.tombstones, x]);
      const got = await readFields(this.redis, wanted);
      const nextR = new Set<string>();
      const nextM = new Set<string>();
      r.forEach((f, i) => {
        const v = got.get(this.keys.recipients)?.[i];
        const rec = v ? decodeRecipient(f, v) : null;
        this.recipients.set(f, rec);
        for (const id of rec?.ms ?? []) if (!this.messages.has(fieldOf(rec?.tn ?? '', id))) nextM.add(fieldOf(rec?.tn ?? '', id));
      });
      m.forEach((f, i) => {
        const v = got.get(this.keys.messages)?.[i];
        const msg = v ? decodeMessage(f, v) : null;
        this.messages.set(f, msg);
        const rid = msg && !msg.anon ? msg.rec.r?.[1] : undefined;
        if (msg && rid !== undefined && !this.recipients.has(fieldOf(msg.rec.tn, rid))) nextR.add(fieldOf(msg.rec.tn, rid));
      });
      if (first) {
        e.forEach((f, i) => {
          const v = got.get(this.keys.loose)?.[i];
          this.loose.set(f, v ? decodeLoose(f, v) : null);
        });
        x.forEach((f, i) => {
          const v = got.get(this.keys.tombstones)?.[i];
          this.tombstones.set(f, v ? Number(v) : null);
        });
      }
      first = false;
      r = [...nextR];
      m = [...nextM];
    }
  }
}
