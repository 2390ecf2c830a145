/**
 * One batch of one partition, in memory: routes each record to its entity (a recipient with its
 * messages, a message held without a recipient, an event with neither), folds it in, and
 * computes what the batch changes — the records to write and the scope deltas (each touched
 * entity's contribution after the batch minus before). Pure apart from the cache it mutates;
 * applier.ts loads what it needs first and commits what it returns.
 */
import { handoverSchema, type CanonicalEvent, type Handover } from '@tally/events';
import { scopeId } from '../state/contribution.ts';
import {
  attachments,
  countAnonymous,
  countLoose,
  countMessagePart,
  countRecipientPart,
  hasRecipientPart,
  mayAddRecipientPart,
  type Cluster,
  type LooseEv,
} from '../state/count-cluster.ts';
import type { CountContext } from '../state/count-message.ts';
import { BatchDelta } from '../state/delta.ts';
import {
  idhOf,
  isLate,
  keepHorizonMs,
  lateAfterMs,
  toEv,
  type Ev,
  type TenantWindows,
} from '../state/event.ts';
import { importProgressSuffix } from '../keys.ts';
import { mergeOwnEvent, newMessage, viewOf, type MessageView } from '../state/message.ts';
import {
  addMessageId,
  addRecipientEvent,
  newRecipient,
  type Audience,
  type RecipientEv,
} from '../state/recipient.ts';
import { mergeAudience, messageAudience, onlyAdds, type MessageAudience } from '../state/audience.ts';
import { fieldOf, splitField, type StoredLoose, type StoredMessage } from './codec.ts';
import type { PartitionCache, Wanted } from './cache.ts';
import { noChanges, type Changes } from './store.ts';

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
  messageHome(tenant: string, messageId: string): number;
}

export interface BatchResult {
  delta: BatchDelta;
  /** The records and holds to commit (no tombstones: only sweeps write those). */
  changes: Changes;
  /** Events and control records for other partitions, produced before the commit. */
  forwards: Forward[];
  /** Messages new here whose recipient-less events go elsewhere: register them there (field → home). */
  registrations: Map<string, number>;
  outcomes: Record<RecordOutcome, number>;
  stream: number;
  /** Recipients the batch changed: their recipient_state rows are due (applier.ts, audience). */
  audience: Set<string>;
  /**
   * Recipients that record a message another recipient now lists too: their live summaries
   * (RecipientRec.live) must become null, though the batch did not load them (applier.ts does).
   */
  sharedOwners: Set<string>;
}

/**
 * A recipient touched by the batch. Its contribution before the batch is counted into the delta
 * with sign −1 per part as the batch reaches it: the recipient part (only when it can be
 * non-empty) when the recipient is first touched, each message just before its first change.
 * `finish` adds each part's contribution after (+1). Messages the batch does not change are
 * counted (before and after) only when their attachments moved.
 */
interface ClusterTouch {
  kind: 'cluster';
  field: string;
  cluster: Cluster;
  attachedBefore: Map<string, RecipientEv[]>;
  /** The recipient part was counted before (with sign −1). */
  recBefore: boolean;
  /** Messages whose part before was counted (with sign −1; nothing for a message new here). */
  msgBefore: Set<string>;
  /** Their audience figures before the batch (none for a message new to the cluster). */
  audienceBefore: Map<string, MessageAudience>;
  /** The batch found a message of this recipient recorded under another: no live summary. */
  shared: boolean;
}

/** A held message or a loose event; its contribution before, if any, is already in the delta. */
type Touched = ClusterTouch | { kind: 'anon'; field: string } | { kind: 'loose'; field: string };

/**
 * The fields a batch needs loaded. `evs[i]` is record i as a state event; late markers are
 * looked up only for events late by their own time (an event late because its message retired
 * is found by the tombstone, and its marker loaded after: `lateByTombstone`).
 */
export function wantedFields(
  records: InputRecord[],
  evs: (Ev | undefined)[],
  windows: (tenant: string) => TenantWindows,
): Wanted {
  const out: Wanted = {
    recipients: new Set(),
    messages: new Set(),
    loose: new Set(),
    tombstones: new Set(),
    directory: new Set(),
    whole: new Set(),
    wholeVia: new Set(),
  };
  records.forEach((r, i) => {
    const e = evs[i];
    if (r.control || !e) {
      if (r.control) out.messages.add(fieldOf(r.control.tenantId, r.control.messageId));
      return;
    }
    // An imported event may find the marker of its own live copy, counted late before (route).
    if (e.importId !== undefined || isLate(e, windows(e.tenant)))
      out.loose.add(fieldOf(e.tenant, `late:${idhOf(e)}`));
    const part = mayAddRecipientPart(e);
    if (e.recipient) out.recipients.add(fieldOf(e.tenant, e.recipient));
    if (e.recipient && part) out.whole.add(fieldOf(e.tenant, e.recipient));
    if (e.message) {
      out.messages.add(fieldOf(e.tenant, e.message));
      if (part) out.wholeVia.add(fieldOf(e.tenant, e.message));
      out.tombstones.add(fieldOf(e.tenant, e.message));
      if (!e.recipient) out.directory.add(fieldOf(e.tenant, e.message));
    }
    if (!e.recipient && !e.message) out.loose.add(fieldOf(e.tenant, idhOf(e)));
  });
  return out;
}

/** A fold reached a recipient part in a cluster loaded without all its messages (see above). */
export class PartialClusterError extends Error {
  constructor(readonly field: string) {
    super(`the cluster of ${field} needs all its messages`);
  }
}

/**
 * The messages the batch may hold without a recipient (README "Events without a recipient"):
 * events with a message and no recipient, on time, whose message is neither retired, nor kept
 * here, nor in the directory, and whose home is this partition. They are claimed before the batch
 * is folded (store.ts claimHolds), so a registration racing the batch finds them held.
 */
export function holdCandidates(
  evs: (Ev | undefined)[],
  windows: (tenant: string) => TenantWindows,
  cache: PartitionCache,
  place: Placement,
): string[] {
  const out = new Set<string>();
  for (const e of evs) {
    if (!e || e.recipient || e.message === undefined || isLate(e, windows(e.tenant))) continue;
    const f = fieldOf(e.tenant, e.message);
    if (
      out.has(f) ||
      cache.tombstone(f) !== undefined ||
      cache.message(f) ||
      cache.directoryEntry(f) !== undefined
    )
      continue;
    if (place.messageHome(e.tenant, e.message) === place.partition) out.add(f);
  }
  return [...out];
}

/** Late markers of the events whose message retired (known only once tombstones are loaded). */
export function lateByTombstone(evs: (Ev | undefined)[], cache: PartitionCache): Set<string> {
  const out = new Set<string>();
  for (const e of evs)
    if (e?.message !== undefined && cache.tombstone(fieldOf(e.tenant, e.message)) !== undefined)
      out.add(fieldOf(e.tenant, `late:${idhOf(e)}`));
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
      changes: noChanges(),
      forwards: [],
      registrations: new Map(),
      outcomes: { applied: 0, duplicate: 0, late: 0, forwarded: 0 },
      stream,
      audience: new Set(),
      sharedOwners: new Set(),
    };
  }

  /** The touched cluster of a recipient field, loaded (recipient and its messages) or new. */
  private cluster(tenant: string, recipient: string, t: number): ClusterTouch {
    const field = fieldOf(tenant, recipient);
    const known = this.touched.get(`r ${field}`);
    if (known?.kind === 'cluster') return known;
    // the cached cluster (whole: cache.ts), or a recipient new here
    const cluster =
      this.cache.cluster(field) ??
      (this.cache.setRecipient(field, newRecipient(tenant, recipient, t)) as Cluster);
    const { rec, messages } = cluster;
    // a load makes whole every cluster whose recipient part is not known to be empty (cache.ts)
    if (rec.recipientPart !== false && !this.cache.isWhole(field)) throw new PartialClusterError(field);
    const touch: ClusterTouch = {
      kind: 'cluster',
      field,
      cluster,
      attachedBefore: new Map(),
      recBefore: false,
      msgBefore: new Set(),
      audienceBefore: new Map(),
      shared: false,
    };
    if (hasRecipientPart(rec, messages.values())) {
      const views = viewsOf(messages);
      const { targets, byMessage } = attachments(rec, [...views.values()], this.ctx);
      touch.attachedBefore = byMessage;
      touch.recBefore = true;
      countRecipientPart(this.result.delta.minus, this.ctx, rec, views, targets);
    }
    this.touched.set(`r ${field}`, touch);
    return touch;
  }

  /** Counts a message's part before the batch first changes it (nothing when it is new). */
  private beforeMessage(touch: ClusterTouch, m: StoredMessage['rec'] | undefined, id: string): void {
    if (touch.msgBefore.has(id)) return;
    touch.msgBefore.add(id);
    if (!m) return;
    const v = viewOf(m);
    countMessagePart(this.result.delta.minus, this.ctx, v, touch.attachedBefore.get(id) ?? []);
    if (touch.cluster.rec.live) touch.audienceBefore.set(id, messageAudience(v));
  }

  /**
   * A message this recipient lists (or is about to) records another: the cache must keep it
   * (cache.ts `shared`), and both recipients' live summaries become null (this one in
   * finishCluster, the other after the fold: applier.ts).
   */
  private sharedWith(touch: ClusterTouch, m: StoredMessage['rec'], mfield: string, recipient: string): void {
    const owner = m.recipient?.[1];
    if (owner === undefined || owner === recipient) return;
    this.cache.markShared(mfield);
    touch.shared = true;
    this.result.sharedOwners.add(fieldOf(m.tenant, owner));
  }

  /** Counts a held message's contribution before the batch changes it (none when it is new). */
  private touchAnon(field: string, m: StoredMessage | undefined): void {
    if (this.touched.has(`m ${field}`)) return;
    this.touched.set(`m ${field}`, { kind: 'anon', field });
    if (m) countAnonymous(this.result.delta.minus, m.rec, this.ctx);
  }

  add(r: InputRecord, ev?: Ev): RecordOutcome {
    this.result.stream = Math.max(this.result.stream, r.timestamp);
    const outcome = r.control
      ? this.handover(r.control)
      : this.route(ev ?? toEv(r.event, r.timestamp), r.event);
    this.result.outcomes[outcome] += 1;
    // An import's progress (GET /v1/imports/:id): what its events did, in the same fenced commit
    // as their effect, so each record is counted once. A forwarded one is counted where it lands.
    const importId = r.event?.importId;
    if (importId !== undefined && outcome !== 'forwarded')
      this.result.delta.addCell(
        scopeId({ kind: 't', tenant: r.event?.tenantId ?? '' }),
        importProgressSuffix(importId),
        outcome,
        1,
      );
    return outcome;
  }

  /**
   * A message held here without a recipient now has one elsewhere: its events go there, and what
   * it counted here is taken back (its contribution after is none).
   */
  private handover(h: Handover): RecordOutcome {
    const field = fieldOf(h.tenantId, h.messageId);
    const held = this.cache.message(field);
    if (!held?.anon) {
      // Not held (a replay forwarded its events instead): only the claim mark is left to release.
      this.result.changes.holds.set(field, false);
      return 'duplicate';
    }
    this.touchAnon(field, held);
    for (const [timestamp, value] of held.anon) {
      this.result.forwards.push({ partition: h.partition, value, timestamp });
      // A held imported event was counted `applied` here; it is counted again where it lands, so
      // its import's progress takes this count back (each published record counted once).
      const importId = value.includes('"importId"') ? importIdOf(value) : undefined;
      if (importId !== undefined)
        this.result.delta.addCell(
          scopeId({ kind: 't', tenant: h.tenantId }),
          importProgressSuffix(importId),
          'applied',
          -1,
        );
    }
    this.cache.setMessage(field, null);
    this.result.changes.messages.add(field);
    this.result.changes.holds.set(field, false);
    return 'forwarded';
  }

  private route(e: Ev, raw: CanonicalEvent): RecordOutcome {
    const w = this.ctx.windows(e.tenant);
    const msgField = e.message === undefined ? undefined : fieldOf(e.tenant, e.message);
    if (isLate(e, w) || (msgField !== undefined && this.cache.tombstone(msgField) !== undefined))
      return this.late(e);
    if (e.importId !== undefined) this.rescue(e);
    if (e.recipient) return this.toCluster(e, e.recipient);
    if (msgField !== undefined) {
      const stored = this.cache.message(msgField);
      const r = stored && !stored.anon ? stored.rec.recipient?.[1] : undefined;
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

  /**
   * An imported event whose live copy was counted late (its marker still kept) is history the
   * import brings in time: the late count is taken back and the event is applied (docs/semantics.md
   * §0). Once the marker is gone, the copy simply counts (and the late figure keeps it too).
   */
  private rescue(e: Ev): void {
    const field = fieldOf(e.tenant, `late:${idhOf(e)}`);
    const marker = this.cache.looseEvent(field)?.late;
    if (!marker) return;
    this.cache.setLoose(field, null);
    this.result.changes.loose.add(field);
    this.result.delta.addCell(scopeId({ kind: 't', tenant: e.tenant }), 'late', marker.type, -1);
  }

  private late(e: Ev): RecordOutcome {
    const field = fieldOf(e.tenant, `late:${idhOf(e)}`);
    if (this.cache.looseEvent(field)) return 'duplicate';
    const w = this.ctx.windows(e.tenant);
    const until = e.arrival + Math.max(lateAfterMs(e, w), keepHorizonMs(w));
    this.cache.setLoose(field, { late: { type: e.type, until } });
    this.result.changes.loose.add(field);
    this.result.delta.addCell(scopeId({ kind: 't', tenant: e.tenant }), 'late', e.type, 1);
    return 'late';
  }

  private toCluster(e: Ev, recipient: string): RecordOutcome {
    const touch = this.cluster(e.tenant, recipient, e.t);
    const { cluster } = touch;
    const rfield = fieldOf(e.tenant, recipient);
    if (e.message === undefined) {
      if (!addRecipientEvent(cluster.rec, e)) return 'duplicate';
      this.result.changes.recipients.add(rfield);
      return 'applied';
    }
    const mfield = fieldOf(e.tenant, e.message);
    let m = cluster.messages.get(e.message);
    if (!m && !this.cache.isWhole(rfield) && cluster.rec.messageIds.includes(e.message)) {
      // a message the recipient has, read for this event (a cluster not whole: cache.ts)
      const stored = this.cache.message(mfield);
      if (stored && !stored.anon) {
        m = stored.rec;
        cluster.messages.set(e.message, m);
      }
    }
    if (!m) {
      const held = this.cache.message(mfield);
      if (held?.anon) {
        this.touchAnon(mfield, held);
        this.result.changes.holds.set(mfield, false);
      }
      if (!held) {
        const home = this.place.messageHome(e.tenant, e.message);
        if (home !== this.place.partition) this.result.registrations.set(mfield, home);
      }
      m = held?.rec ?? newMessage(e);
      this.beforeMessage(touch, undefined, e.message);
      cluster.messages.set(e.message, m);
    }
    this.sharedWith(touch, m, mfield, recipient);
    this.beforeMessage(touch, m, e.message);
    this.cache.setMessage(mfield, { rec: m });
    if (addMessageId(cluster.rec, e.message, e.t)) this.result.changes.recipients.add(rfield);
    if (!mergeOwnEvent(m, e.recipient === recipient ? e : { ...e, recipient })) return 'duplicate';
    this.result.changes.messages.add(mfield);
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
      this.result.changes.holds.set(field, true);
    }
    if (!mergeOwnEvent(stored.rec, e)) return 'duplicate';
    stored.anon = [...(stored.anon ?? []), [e.arrival, JSON.stringify(raw)]];
    this.result.changes.messages.add(field);
    return 'applied';
  }

  private toLoose(e: Ev): RecordOutcome {
    const field = fieldOf(e.tenant, idhOf(e));
    if (this.cache.looseEvent(field)) return 'duplicate';
    const ev: LooseEv = { tenant: e.tenant, digest: idhOf(e), type: e.type, t: e.t, channel: e.channel };
    const extra: Partial<RecipientEv> = {};
    if (e.campaign) extra.campaign = e.campaign;
    if (e.value) extra.value = [e.value.u, e.value.cur];
    if (e.cost) extra.cost = [e.cost.u, e.cost.cur];
    if (e.score !== undefined) extra.score = e.score;
    if (e.bot) extra.bot = 1;
    const stored: StoredLoose = { ev: { ...ev, ...extra } };
    this.touched.set(`e ${field}`, { kind: 'loose', field });
    this.cache.setLoose(field, stored);
    this.result.changes.loose.add(field);
    return 'applied';
  }

  /** Closes the batch: every touched entity's contribution after is added (its before is in). */
  finish(): BatchResult {
    for (const t of this.touched.values()) {
      if (t.kind === 'cluster') this.finishCluster(t);
      else this.after(t);
    }
    return this.result;
  }

  private finishCluster(t: ClusterTouch): void {
    const { rec, messages } = t.cluster;
    const { plus, minus } = this.result.delta;
    let views: Map<string, MessageView> | undefined;
    let attachedAfter = new Map<string, RecipientEv[]>();
    const affected = new Set(t.msgBefore);
    const part = hasRecipientPart(rec, messages.values());
    if (this.cache.isWhole(t.field)) {
      // kept with the record, so the next batch knows whether it needs every message
      if (rec.recipientPart !== part) this.result.changes.recipients.add(t.field);
      rec.recipientPart = part;
    } else if (part) throw new PartialClusterError(t.field);
    if (t.recBefore || part) {
      views = viewsOf(messages);
      const a = attachments(rec, [...views.values()], this.ctx);
      attachedAfter = a.byMessage;
      countRecipientPart(plus, this.ctx, rec, views, a.targets);
      for (const id of new Set([...t.attachedBefore.keys(), ...attachedAfter.keys()]))
        if (signature(t.attachedBefore.get(id)) !== signature(attachedAfter.get(id))) affected.add(id);
    }
    for (const id of affected) {
      const m = messages.get(id);
      if (!m) continue;
      const v = views?.get(id) ?? viewOf(m);
      if (!t.msgBefore.has(id)) countMessagePart(minus, this.ctx, v, t.attachedBefore.get(id) ?? []);
      countMessagePart(plus, this.ctx, v, attachedAfter.get(id) ?? []);
    }
    if (this.keepLive(t, views)) this.result.changes.recipients.add(t.field);
    this.result.audience.add(t.field);
  }

  /**
   * Keeps the recipient's live summary (RecipientRec.live) with the messages the batch changed:
   * each one's figures before taken out and after added, when the change only adds (audience.ts
   * `onlyAdds`); else the summary becomes unknown, and null once a message is shared. True when it
   * changed (the record must be written: a stale summary must never be read back).
   */
  private keepLive(t: ClusterTouch, views: Map<string, MessageView> | undefined): boolean {
    const { rec, messages } = t.cluster;
    if (rec.live === null) return false;
    if (t.shared) {
      rec.live = null;
      return true;
    }
    const live = rec.live;
    if (live === undefined) return false;
    let changed = false;
    for (const id of t.msgBefore) {
      const m = messages.get(id);
      if (!m) continue;
      const before = t.audienceBefore.get(id);
      const after = messageAudience(views?.get(id) ?? viewOf(m));
      if (before && !onlyAdds(before, after)) {
        rec.live = undefined;
        return true;
      }
      if (before && sameAudience(before.au, after.au)) continue;
      if (before) mergeAudience(live, before.au, -1);
      mergeAudience(live, after.au);
      changed = true;
    }
    return changed;
  }

  private after(t: Exclude<Touched, ClusterTouch>): void {
    if (t.kind === 'loose') {
      const l = this.cache.looseEvent(t.field);
      if (l && !l.late) countLoose(this.result.delta.plus, l.ev, this.ctx);
      return;
    }
    const m = this.cache.message(t.field);
    if (m?.anon) countAnonymous(this.result.delta.plus, m.rec, this.ctx);
  }
}

function viewsOf(messages: Map<string, StoredMessage['rec']>): Map<string, MessageView> {
  const out = new Map<string, MessageView>();
  for (const m of messages.values()) out.set(m.messageId, viewOf(m));
  return out;
}

function sameAudience(a: Audience, b: Audience): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Which events are attached to a message, to tell whether its attachments moved. */
function signature(list: RecipientEv[] | undefined): string {
  return list === undefined ? '' : list.map((e) => e.digest).join(' ');
}

/**
 * The handover record a partition writes to a message's home when it registers a message the home
 * holds without a recipient (the home forwards the held events here, see BatchRun.handover).
 */
export function handoverForward(field: string, home: number, holder: number, now: number): Forward {
  const [tenantId, messageId] = splitField(field);
  const h: Handover = handoverSchema.parse({ control: 'handover', tenantId, messageId, partition: holder });
  return { partition: home, value: JSON.stringify(h), timestamp: now };
}

/**
 * Closes the holds a batch claimed (store.claimHolds) but did not need: a message that found its
 * recipient here after all, or was forwarded, is released with the commit.
 */
export function releaseUnneeded(claimed: string[], res: BatchResult, cache: PartitionCache): void {
  for (const f of claimed)
    if (!res.changes.holds.has(f) && cache.directoryEntry(f) === undefined) res.changes.holds.set(f, false);
}

/** The import id of a held event's raw JSON, if it has one. */
function importIdOf(value: string): string | undefined {
  const id = (JSON.parse(value) as { importId?: unknown }).importId;
  return typeof id === 'string' ? id : undefined;
}
