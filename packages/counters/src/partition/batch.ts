/**
 * One batch of one partition, in memory: routes each record to its entity (a recipient with its
 * messages, a message held without a recipient, an event with neither), folds it in, and
 * computes what the batch changes — the records to write and the scope deltas (each touched
 * entity's contribution after the batch minus before). Pure apart from the cache it mutates;
 * applier.ts loads what it needs first and commits what it returns.
 */
import type { CanonicalEvent, Handover } from '@tally/events';
import { scopeId, type Contribution } from '../state/contribution.ts';
import {
  countAnonymous,
  countCluster,
  countClusterWith,
  countLoose,
  type Cluster,
  type LooseEv,
} from '../state/count-cluster.ts';
import { audienceRow } from '../state/audience.ts';
import type { CountContext } from '../state/count-message.ts';
import { BatchDelta } from '../state/delta.ts';
import { isLate, toEv, type Ev } from '../state/event.ts';
import { mergeOwnEvent, newMessage } from '../state/message.ts';
import { addMessageId, addRecipientEvent, newRecipient, type RecipientEv } from '../state/recipient.ts';
import { fieldOf, type StoredLoose, type StoredMessage } from './codec.ts';
import type { PartitionCache } from './cache.ts';

export type InputRecord = {
  offset: number;
  /** Kafka record timestamp: when ingest published it. */
  timestamp: number;
} & ({ event: CanonicalEvent; control?: undefined } | { control: Handover; event?: undefined });

export type RecordOutcome = 'applied' | 'duplicate' | 'late' | 'forwarded';

/** A record for another partition of the events topic (see applier.ts, events without a recipient). */
export interface Forward {
  partition: number;
  /** The record's JSON value: a canonical event or a control record. */
  value: string;
  timestamp: number;
}

/** Where things live: this partition, and the partition a message's recipient-less events go to. */
export interface Placement {
  partition: number;
  /** Days of messages per day an audience row keeps. */
  audienceDays: number;
  messageHome(tenant: string, messageId: string): number;
}

export interface BatchResult {
  delta: BatchDelta;
  recipients: Set<string>;
  messages: Set<string>;
  loose: Set<string>;
  anonymous: string[];
  /** Events and control records for other partitions, produced before the commit. */
  forwards: Forward[];
  /** Messages new here whose recipient-less events go elsewhere: register them there (field → home). */
  registrations: Map<string, number>;
  outcomes: Record<RecordOutcome, number>;
  stream: number;
  /** recipient_state rows of the recipients the batch changed (snapshots copy them to Postgres). */
  audience: Map<string, Record<string, string>>;
}

type Touched =
  | { kind: 'cluster'; field: string; before: Contribution }
  | { kind: 'anon'; field: string; before: Contribution | undefined }
  | { kind: 'loose'; field: string; before: Contribution | undefined };

/** The fields a batch needs loaded: recipients and messages named by its events, loose and late digests. */
export interface Wanted {
  recipients: Set<string>;
  messages: Set<string>;
  loose: Set<string>;
  tombstones: Set<string>;
  directory: Set<string>;
}

export function wantedFields(records: InputRecord[]): Wanted {
  const out: Wanted = {
    recipients: new Set(),
    messages: new Set(),
    loose: new Set(),
    tombstones: new Set(),
    directory: new Set(),
  };
  for (const r of records) {
    if (r.control) {
      out.messages.add(fieldOf(r.control.tenantId, r.control.messageId));
      continue;
    }
    const e = toEv(r.event, r.timestamp);
    out.loose.add(fieldOf(e.tenant, `late:${e.idh}`));
    if (e.recipient) out.recipients.add(fieldOf(e.tenant, e.recipient));
    if (e.message) {
      out.messages.add(fieldOf(e.tenant, e.message));
      out.tombstones.add(fieldOf(e.tenant, e.message));
      if (!e.recipient) out.directory.add(fieldOf(e.tenant, e.message));
    }
    if (!e.recipient && !e.message) out.loose.add(fieldOf(e.tenant, e.idh));
  }
  return out;
}

export class BatchRun {
  private readonly touched = new Map<string, Touched>();
  readonly result: BatchResult;

  constructor(
    private readonly cache: PartitionCache,
    private readonly ctx: CountContext,
    private readonly place: Placement,
    stream: number,
  ) {
    this.result = {
      delta: new BatchDelta(),
      recipients: new Set(),
      messages: new Set(),
      loose: new Set(),
      anonymous: [],
      forwards: [],
      registrations: new Map(),
      outcomes: { applied: 0, duplicate: 0, late: 0, forwarded: 0 },
      stream,
      audience: new Map(),
    };
  }

  /** The cluster of a recipient field, loaded (recipient and its messages) or new. */
  private cluster(tenant: string, recipient: string, t: number): Cluster {
    const field = fieldOf(tenant, recipient);
    const rec = this.cache.recipient(field) ?? newRecipient(tenant, recipient, t);
    this.cache.setRecipient(field, rec);
    const messages = new Map<string, StoredMessage['rec']>();
    for (const id of rec.ms) {
      const m = this.cache.message(fieldOf(tenant, id));
      if (m) messages.set(id, m.rec);
    }
    const cluster = { rec, messages };
    if (!this.touched.has(`r ${field}`))
      this.touched.set(`r ${field}`, { kind: 'cluster', field, before: countCluster(cluster, this.ctx) });
    return cluster;
  }

  /** Notes a held message's contribution before the batch changes it (none when it is new). */
  private touchAnon(field: string, m: StoredMessage | undefined): void {
    if (!this.touched.has(`m ${field}`))
      this.touched.set(`m ${field}`, {
        kind: 'anon',
        field,
        before: m ? countAnonymous(m.rec, this.ctx) : undefined,
      });
  }

  add(r: InputRecord): RecordOutcome {
    this.result.stream = Math.max(this.result.stream, r.timestamp);
    const outcome = r.control ? this.handover(r.control) : this.route(toEv(r.event, r.timestamp), r.event);
    this.result.outcomes[outcome] += 1;
    return outcome;
  }

  /**
   * A message held here without a recipient now has one elsewhere: its events go there, and what
   * it counted here is taken back (its contribution after is none).
   */
  private handover(h: Handover): RecordOutcome {
    const field = fieldOf(h.tenantId, h.messageId);
    const held = this.cache.message(field);
    if (!held?.anon) return 'duplicate';
    this.touchAnon(field, held);
    for (const [timestamp, value] of held.anon)
      this.result.forwards.push({ partition: h.partition, value, timestamp });
    this.cache.setMessage(field, null);
    this.result.messages.add(field);
    this.result.anonymous.push(`-${field}`);
    return 'forwarded';
  }

  private route(e: Ev, raw: CanonicalEvent): RecordOutcome {
    const w = this.ctx.windows(e.tenant);
    const msgField = e.message === undefined ? undefined : fieldOf(e.tenant, e.message);
    if (isLate(e, w) || (msgField !== undefined && this.cache.tombstone(msgField) !== undefined))
      return this.late(e);
    if (e.recipient) return this.toCluster(e, e.recipient);
    if (msgField !== undefined) {
      const stored = this.cache.message(msgField);
      const r = stored && !stored.anon ? stored.rec.r?.[1] : undefined;
      if (r !== undefined) return this.toCluster(e, r);
      if (stored) return this.toAnonymous(e, msgField, stored, raw);
      const there = this.cache.directoryEntry(msgField);
      if (there !== undefined) {
        this.result.forwards.push({ partition: there, value: JSON.stringify(raw), timestamp: e.arrival });
        return 'forwarded';
      }
      // Only the message's home partition may hold it (that is where its recipient's partition
      // looks); a forwarded event whose message is gone from here is beyond the horizon.
      if (this.place.messageHome(e.tenant, e.message ?? '') !== this.place.partition) return this.late(e);
      return this.toAnonymous(e, msgField, undefined, raw);
    }
    return this.toLoose(e);
  }

  private late(e: Ev): RecordOutcome {
    const field = fieldOf(e.tenant, `late:${e.idh}`);
    if (this.cache.looseEvent(field)) return 'duplicate';
    const until = e.arrival + this.ctx.windows(e.tenant).horizonMs;
    this.cache.setLoose(field, { late: { y: e.type, until } });
    this.result.loose.add(field);
    this.result.delta.addCell(scopeId({ kind: 't', tenant: e.tenant }), 'late', e.type, 1);
    return 'late';
  }

  private toCluster(e: Ev, recipient: string): RecordOutcome {
    const cluster = this.cluster(e.tenant, recipient, e.t);
    const rfield = fieldOf(e.tenant, recipient);
    if (e.message === undefined) {
      if (!addRecipientEvent(cluster.rec, e)) return 'duplicate';
      this.result.recipients.add(rfield);
      return 'applied';
    }
    const mfield = fieldOf(e.tenant, e.message);
    let m = cluster.messages.get(e.message);
    if (!m) {
      const held = this.cache.message(mfield);
      if (held?.anon) {
        this.touchAnon(mfield, held);
        this.result.anonymous.push(`-${mfield}`);
      }
      if (!held) {
        const home = this.place.messageHome(e.tenant, e.message);
        if (home !== this.place.partition) this.result.registrations.set(mfield, home);
      }
      m = held?.rec ?? newMessage(e);
      cluster.messages.set(e.message, m);
    }
    this.cache.setMessage(mfield, { rec: m });
    if (addMessageId(cluster.rec, e.message, e.t)) this.result.recipients.add(rfield);
    if (!mergeOwnEvent(m, { ...e, recipient })) return 'duplicate';
    this.result.messages.add(mfield);
    return 'applied';
  }

  private toAnonymous(
    e: Ev,
    field: string,
    held: StoredMessage | undefined,
    raw: CanonicalEvent,
  ): RecordOutcome {
    this.touchAnon(field, held);
    const stored: StoredMessage = held ?? { rec: newMessage(e), anon: [] };
    if (!stored.anon) stored.anon = [];
    if (!held) {
      this.cache.setMessage(field, stored);
      this.result.anonymous.push(`+${field}`);
    }
    if (!mergeOwnEvent(stored.rec, e)) return 'duplicate';
    stored.anon = [...(stored.anon ?? []), [e.arrival, JSON.stringify(raw)]];
    this.result.messages.add(field);
    return 'applied';
  }

  private toLoose(e: Ev): RecordOutcome {
    const field = fieldOf(e.tenant, e.idh);
    if (this.cache.looseEvent(field)) return 'duplicate';
    const ev: LooseEv = { tn: e.tenant, h: e.idh, y: e.type, t: e.t, ch: e.channel };
    const extra: Partial<RecipientEv> = {};
    if (e.campaign) extra.c = e.campaign;
    if (e.value) extra.v = [e.value.u, e.value.cur];
    if (e.cost) extra.co = [e.cost.u, e.cost.cur];
    if (e.score !== undefined) extra.sc = e.score;
    const stored: StoredLoose = { ev: { ...ev, ...extra } };
    this.touched.set(`e ${field}`, { kind: 'loose', field, before: undefined });
    this.cache.setLoose(field, stored);
    this.result.loose.add(field);
    return 'applied';
  }

  /** Closes the batch: every touched entity's contribution after, minus before. */
  finish(): BatchResult {
    for (const t of this.touched.values()) this.result.delta.diff(t.before, this.after(t));
    return this.result;
  }

  private after(t: Touched): Contribution | undefined {
    if (t.kind === 'loose') {
      const l = this.cache.looseEvent(t.field);
      return !l || l.late ? undefined : countLoose(l.ev, this.ctx);
    }
    if (t.kind === 'anon') {
      const m = this.cache.message(t.field);
      return m?.anon ? countAnonymous(m.rec, this.ctx) : undefined;
    }
    const rec = this.cache.recipient(t.field);
    if (!rec) return undefined;
    const messages = new Map<string, StoredMessage['rec']>();
    for (const id of rec.ms) {
      const m = this.cache.message(fieldOf(rec.tn, id));
      if (m) messages.set(id, m.rec);
    }
    const after = countClusterWith({ rec, messages }, this.ctx);
    this.result.audience.set(
      t.field,
      audienceRow(rec, [...after.views.values()], after.targets, this.place.audienceDays),
    );
    return after.out;
  }
}
