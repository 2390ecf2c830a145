/**
 * One batch of one partition, in memory: routes each record to its entity (a recipient with its
 * messages, a message held without a recipient, an event with neither), folds it in, and
 * computes what the batch changes — the records to write and the scope deltas (each touched
 * entity's contribution after the batch minus before). Pure apart from the cache it mutates;
 * applier.ts loads what it needs first and commits what it returns.
 */
import type { CanonicalEvent } from '@tally/events';
import { Contribution, scopeId } from '../state/contribution.ts';
import { countAnonymous, countCluster, countLoose, type Cluster, type LooseEv } from '../state/count-cluster.ts';
import type { CountContext } from '../state/count-message.ts';
import { BatchDelta } from '../state/delta.ts';
import { isLate, toEv, type Ev } from '../state/event.ts';
import { mergeOwnEvent, newMessage } from '../state/message.ts';
import { addMessageId, addRecipientEvent, newRecipient, type RecipientEv } from '../state/recipient.ts';
import { fieldOf, type StoredLoose, type StoredMessage } from './codec.ts';
import type { PartitionCache } from './cache.ts';

export interface InputRecord {
  offset: number;
  /** Kafka record timestamp: when ingest published it. */
  timestamp: number;
  event: CanonicalEvent;
}

export type RecordOutcome = 'applied' | 'duplicate' | 'late';

export interface BatchResult {
  delta: BatchDelta;
  recipients: Set<string>;
  messages: Set<string>;
  loose: Set<string>;
  anonymous: string[];
  outcomes: Record<RecordOutcome, number>;
  stream: number;
}

type Touched =
  | { kind: 'cluster'; field: string; before: Contribution }
  | { kind: 'anon'; field: string; before: Contribution }
  | { kind: 'loose'; field: string; before: Contribution | undefined };

/** The fields a batch needs loaded: recipients and messages named by its events, loose and late digests. */
export function wantedFields(records: Ev[]): { recipients: Set<string>; messages: Set<string>; loose: Set<string>; tombstones: Set<string> } {
  const out = { recipients: new Set<string>(), messages: new Set<string>(), loose: new Set<string>(), tombstones: new Set<string>() };
  for (const e of records) {
    out.loose.add(fieldOf(e.tenant, `late:${e.idh}`));
    if (e.recipient) out.recipients.add(fieldOf(e.tenant, e.recipient));
    if (e.message) {
      out.messages.add(fieldOf(e.tenant, e.message));
      out.tombstones.add(fieldOf(e.tenant, e.message));
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
    stream: number,
  ) {
    this.result = {
      delta: new BatchDelta(),
      recipients: new Set(),
      messages: new Set(),
      loose: new Set(),
      anonymous: [],
      outcomes: { applied: 0, duplicate: 0, late: 0 },
      stream,
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

  private touchAnon(field: string, m: StoredMessage): void {
    if (!this.touched.has(`m ${field}`))
      this.touched.set(`m ${field}`, { kind: 'anon', field, before: countAnonymous(m.rec, this.ctx) });
  }

  add(r: InputRecord): RecordOutcome {
    const e = toEv(r.event, r.timestamp);
    this.result.stream = Math.max(this.result.stream, r.timestamp);
    const outcome = this.route(e, r.event);
    this.result.outcomes[outcome] += 1;
    return outcome;
  }

  private route(e: Ev, raw: CanonicalEvent): RecordOutcome {
    const w = this.ctx.windows(e.tenant);
    const msgField = e.message === undefined ? undefined : fieldOf(e.tenant, e.message);
    if (isLate(e, w) || (msgField !== undefined && this.cache.tombstone(msgField) !== undefined)) return this.late(e);
    if (e.recipient) return this.toCluster(e, e.recipient);
    if (msgField !== undefined) {
      const stored = this.cache.message(msgField);
      const r = stored && !stored.anon ? stored.rec.r?.[1] : undefined;
      if (r !== undefined) return this.toCluster(e, r);
      return this.toAnonymous(e, msgField, stored, raw);
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
      m = held?.rec ?? newMessage(e);
      cluster.messages.set(e.message, m);
    }
    this.cache.setMessage(mfield, { rec: m });
    if (addMessageId(cluster.rec, e.message, e.t)) this.result.recipients.add(rfield);
    if (!mergeOwnEvent(m, { ...e, recipient })) return 'duplicate';
    this.result.messages.add(mfield);
    return 'applied';
  }

  private toAnonymous(e: Ev, field: string, held: StoredMessage | undefined, raw: CanonicalEvent): RecordOutcome {
    const stored: StoredMessage = held ?? { rec: newMessage(e), anon: [] };
    if (!held) {
      this.cache.setMessage(field, stored);
      this.result.anonymous.push(`+${field}`);
    }
    this.touchAnon(field, stored);
    if (!mergeOwnEvent(stored.rec, e)) return 'duplicate';
    stored.anon = [...(stored.anon ?? []), JSON.stringify(raw)];
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
    return countCluster({ rec, messages }, this.ctx);
  }
}
