/**
 * Applies Kafka batches of one partition to the state, exactly once in effect.
 *
 * The argument (docs/semantics.md says *what* is computed; this says why each event counts once):
 * 1. A partition's state (its recipients, messages and loose events, `P:p:{p}:*`) has one writer:
 *    the partition's owner. A batch is folded into that state in memory (batch.ts), and the result
 *    is committed in ONE script on the partition's hash slot (scripts.ts COMMIT_LUA) together with
 *    the partition's next offset and the batch's scope deltas (the outbox). The script refuses the
 *    commit unless the stored next offset and version (a count of commits: retirement sweeps and
 *    audience flushes commit without moving the offset) are the ones this owner read: a stale
 *    owner (paused, or fenced out by a rebalance) cannot overwrite a newer state, nor write from
 *    a memory of it older than the last commit. Records below the stored offset are
 *    skipped: a batch redelivered after a crash, a rebalance or a lagging Kafka commit changes
 *    nothing. A batch that starts above it is answered `seek`.
 * 2. Scope aggregates (campaign, sender and tenant counters) are the sum of entities'
 *    contributions; a batch adds each touched entity's contribution after minus before. Those
 *    deltas are first stored in the outbox (step 1), then written to each scope by a script that
 *    skips them when the scope's fence for this partition is already at the batch's last offset
 *    (SCOPE_WRITE_LUA) — so a crash between the commit and the scope writes is repaired by writing
 *    the outbox again when the partition is next loaded, and never counts twice.
 * 3. Folding is idempotent and order-free: message summaries are joins, recipient-level events a
 *    set by event digest, and attribution a pure function of the recipient's state; so whatever
 *    the order, the batch boundaries or the duplicates, the entity state — and so every
 *    contribution — is a function of the set of events applied.
 * 4. After a restore from an older snapshot, a scope may already hold deltas of offsets beyond the
 *    partition's restored offset (its snapshot is newer): those offsets are re-applied one record
 *    per commit (`replayTo`), so each scope skips exactly the records it already has.
 * The cache (cache.ts) holds only committed state: anything that fails drops it.
 * Holds of messages without a recipient are claimed before a batch is folded (`claimHolds`, see
 * "Events without a recipient" in the README), so no commit is refused for a race with a
 * registration, and no batch is folded twice.
 */
import type { RedisClient } from '@tally/redis';
import type { PartitionKeys, RedisKeys } from '../keys.ts';
import type { CountContext } from '../state/count-message.ts';
import type { TenantWindows } from '../state/event.ts';
import {
  BatchRun,
  holdCandidates,
  lateByTombstone,
  wantedFields,
  type Forward,
  type InputRecord,
  type RecordOutcome,
} from './batch.ts';
import { toEv } from '../state/event.ts';
import { audienceRow } from '../state/audience.ts';
import { attachments } from '../state/count-cluster.ts';
import { viewOf, type MessageView } from '../state/message.ts';
import { PartitionCache } from './cache.ts';
import { encodeLoose, encodeMessage, encodeRecipient, fieldOf } from './codec.ts';
import { scopeWrites } from './scope-ops.ts';
import {
  claimHolds,
  commit,
  forgetDirectory,
  dueAudience,
  readMeta,
  readOutbox,
  registerAll,
  writeScopes,
  type PartitionMeta,
} from './store.ts';
import { emptyChanges, sweepPage, type SweepContext, type SweepCursor } from './sweep.ts';

export interface ApplierDeps {
  redis: RedisClient;
  keys: RedisKeys;
  topic: string;
  partition: number;
  minuteTtlSeconds: number;
  /** Per-tenant windows and horizon for the tenants of a batch. */
  windows(tenants: string[]): Promise<(tenant: string) => TenantWindows>;
  now(): number;
  cacheLimit?: number;
  /** The partition of the events topic a message's recipient-less events are keyed to. */
  messageHome(tenant: string, messageId: string): number;
  /** How often due recipient_state rows are computed (default 2 s). */
  audienceFlushMs?: number;
  /** How long a recipient record with nothing live is kept after its newest event (audience history). */
  recipientTtlMs?: number;
  /** Produces records to other partitions, acknowledged before it resolves. */
  forward(records: Forward[]): Promise<void>;
}

export type ApplyOutcome =
  | ({ status: 'ok'; skipped: number } & Record<RecordOutcome, number>)
  | { status: 'lost' }
  | { status: 'seek'; offset: number }
  | { status: 'conflict'; next: number };

export class PartitionApplier {
  private meta: PartitionMeta | undefined;
  private readonly cache: PartitionCache;
  readonly pk: PartitionKeys;

  constructor(private readonly deps: ApplierDeps) {
    this.pk = deps.keys.partition(deps.topic, deps.partition);
    this.cache = new PartitionCache(deps.redis, this.pk, deps.cacheLimit);
  }

  private sweepAt: SweepCursor = { phase: 'r', cursor: '0' };

  /**
   * Retires what stream time has passed (sweep.ts), a few pages per call; between batches of this
   * partition only (the caller serialises them). `caughtUpAt`: the wall clock when the partition
   * is known to have nothing unapplied, so an idle partition's time still moves.
   */
  async sweep(
    opts: { caughtUpAt?: number; pages?: number; pageSize?: number } = {},
  ): Promise<{ status: string; retired: number }> {
    try {
      const meta = await this.load();
      if (!meta?.whole) return { status: 'lost', retired: 0 };
      const streamTime = Math.max(meta.stream, opts.caughtUpAt ?? 0);
      const changes = emptyChanges();
      const ctx: SweepContext = {
        redis: this.deps.redis,
        pk: this.pk,
        cache: this.cache,
        streamTime,
        partition: this.deps.partition,
        windows: (tenants) => this.deps.windows(tenants),
        recipientTtlMs: this.deps.recipientTtlMs ?? 92 * 86_400_000,
        messageHome: (t, m) => this.deps.messageHome(t, m),
      };
      for (let i = 0; i < (opts.pages ?? 4); i++)
        this.sweepAt = await sweepPage(ctx, this.sweepAt, opts.pageSize ?? 500, changes);
      const touched =
        changes.recipients.size + changes.messages.size + changes.loose.size + changes.tombstones.size;
      if (touched === 0 && streamTime === meta.stream) return { status: 'ok', retired: 0 };
      const enc = <T>(fields: Set<string>, get: (f: string) => T | undefined, e: (v: T) => string) =>
        [...fields].map((f): [string, string] => {
          const v = get(f);
          return [f, v === undefined ? '' : e(v)];
        });
      const out = await commit(this.deps.redis, this.pk, {
        expectedNext: meta.next,
        expectedVersion: meta.version,
        next: meta.next,
        stream: streamTime,
        outbox: undefined,
        recipients: enc(changes.recipients, (f) => this.cache.recipient(f), encodeRecipient),
        messages: enc(changes.messages, (f) => this.cache.message(f), encodeMessage),
        loose: enc(changes.loose, (f) => this.cache.looseEvent(f), encodeLoose),
        tombstones: [...changes.tombstones].map(([f, until]): [string, string] => [
          f,
          until === null ? '' : String(until),
        ]),
        dirtyScopes: [],
        anonymous: [...changes.messages]
          .filter((f) => this.cache.message(f) === undefined)
          .map((f) => `-${f}`),
      });
      if (out.status !== 'ok') {
        this.reset();
        return { status: out.status, retired: 0 };
      }
      meta.stream = streamTime;
      meta.version += 1;
      await forgetDirectory(this.deps.redis, this.deps.keys, this.deps.topic, changes.forget);
      this.cache.trim();
      return { status: 'ok', retired: changes.retired };
    } catch (err) {
      this.reset();
      throw err;
    }
  }

  /**
   * recipient_state rows (the audience routes' input) are computed from the owner's memory, not
   * with every batch: a recipient the batch changed is marked due (an empty row in the dirty
   * values, so a snapshot, a crash or a new owner never loses it), and every AUDIENCE_FLUSH_MS
   * the due rows are computed and written over their marks. A snapshot carries marks still empty
   * over to the next one; a new owner finds them when it loads the partition.
   */
  private readonly audienceDue = new Set<string>();
  private audienceFlushedAt = 0;

  private async audienceFor(
    touched: Set<string>,
    ctx: CountContext,
    force = false,
  ): Promise<[string, string][]> {
    const out: [string, string][] = [];
    for (const f of touched)
      if (!this.audienceDue.has(f)) {
        this.audienceDue.add(f);
        out.push([f, '']);
      }
    const now = this.deps.now();
    if (!force && now - this.audienceFlushedAt < (this.deps.audienceFlushMs ?? 2000)) return out;
    this.audienceFlushedAt = now;
    const rows = new Map(out);
    await this.cache.load({
      recipients: this.audienceDue,
      messages: new Set(),
      loose: new Set(),
      tombstones: new Set(),
      directory: new Set(),
    });
    const days = Math.ceil((this.deps.recipientTtlMs ?? 92 * 86_400_000) / 86_400_000) + 1;
    for (const f of this.audienceDue) {
      const rec = this.cache.recipient(f);
      if (!rec) continue;
      const views: MessageView[] = [];
      for (const id of rec.ms) {
        const m = this.cache.message(fieldOf(rec.tn, id));
        if (m && !m.anon) views.push(viewOf(m.rec));
      }
      const { targets } = attachments(rec, views, ctx);
      rows.set(f, JSON.stringify(audienceRow(rec, views, targets, days)));
    }
    this.audienceDue.clear();
    return [...rows];
  }

  /** Writes the due recipient_state rows now (an idle partition's, between batches). */
  async flushAudience(): Promise<void> {
    if (this.audienceDue.size === 0) return;
    try {
      const meta = await this.load();
      if (!meta?.whole) return;
      const tenants = [...new Set([...this.audienceDue].map((f) => f.slice(0, f.indexOf(' '))))];
      const ctx: CountContext = {
        now: this.deps.now(),
        minuteTtlSeconds: this.deps.minuteTtlSeconds,
        windows: await this.deps.windows(tenants),
      };
      const audience = await this.audienceFor(new Set(), ctx, true);
      const out = await commit(this.deps.redis, this.pk, {
        expectedNext: meta.next,
        expectedVersion: meta.version,
        next: meta.next,
        stream: meta.stream,
        outbox: undefined,
        recipients: [],
        messages: [],
        loose: [],
        tombstones: [],
        dirtyScopes: [],
        anonymous: [],
        audience,
      });
      if (out.status === 'ok') meta.version += 1;
      else this.reset();
    } catch (err) {
      this.reset();
      throw err;
    }
  }

  /** Forgets everything in memory: the next batch reads the partition again. */
  reset(): void {
    this.meta = undefined;
    this.cache.clear();
    this.audienceDue.clear();
  }

  /** The partition's next offset as this owner knows it (loading it if needed). */
  async nextOffset(): Promise<number | undefined> {
    const meta = await this.load();
    return meta?.whole ? meta.next : undefined;
  }

  private async load(): Promise<PartitionMeta | undefined> {
    if (this.meta) return this.meta;
    const meta = await readMeta(this.deps.redis, this.pk);
    if (!meta.whole) return meta;
    const outbox = await readOutbox(this.deps.redis, this.pk);
    if (outbox) await writeScopes(this.deps.redis, this.pk.field, outbox.offset, outbox.writes);
    for (const f of await dueAudience(this.deps.redis, this.pk)) this.audienceDue.add(f);
    this.meta = meta;
    return meta;
  }

  /**
   * Applies the records of the batch that spans offsets [first, last] (the records of that range
   * not given — dead-lettered ones — are done too: the partition moves past `last`).
   */
  async apply(
    records: InputRecord[],
    opts: { allowGap?: boolean; first?: number; last?: number } = {},
  ): Promise<ApplyOutcome> {
    const zero: ApplyOutcome = { status: 'ok', skipped: 0, applied: 0, duplicate: 0, late: 0, forwarded: 0 };
    const first = opts.first ?? records[0]?.offset;
    const last = opts.last ?? records[records.length - 1]?.offset;
    if (first === undefined || last === undefined) return zero;
    try {
      const meta = await this.load();
      if (!meta?.whole) return { status: 'lost' };
      const fresh = records.filter((r) => r.offset >= meta.next);
      const total = { ...zero, skipped: records.length - fresh.length };
      if (last < meta.next) return total;
      if (first > meta.next && !opts.allowGap) return { status: 'seek', offset: meta.next };
      const parts = this.split(fresh, meta);
      for (const [i, part] of parts.entries()) {
        const partLast = i === parts.length - 1 ? last : (part[part.length - 1]?.offset ?? last);
        const r = await this.applyFresh(part, meta, partLast);
        if (r.status !== 'ok') return r;
        total.applied += r.applied;
        total.duplicate += r.duplicate;
        total.late += r.late;
        total.forwarded += r.forwarded;
      }
      return total;
    } catch (err) {
      this.reset();
      throw err;
    }
  }

  /** Records up to `replayTo` one per commit (point 4 above), the rest together (maybe none). */
  private split(records: InputRecord[], meta: PartitionMeta): InputRecord[][] {
    const singles = records.filter((r) => r.offset <= meta.replayTo).map((r) => [r]);
    const rest = records.filter((r) => r.offset > meta.replayTo);
    return rest.length > 0 || singles.length === 0 ? [...singles, rest] : singles;
  }

  private async applyFresh(records: InputRecord[], meta: PartitionMeta, last: number): Promise<ApplyOutcome> {
    const tenants = [...new Set(records.map((r) => r.event?.tenantId ?? r.control?.tenantId ?? ''))];
    const ctx: CountContext = {
      now: this.deps.now(),
      minuteTtlSeconds: this.deps.minuteTtlSeconds,
      windows: await this.deps.windows(tenants),
    };
    const evs = records.map((r) => (r.event ? toEv(r.event, r.timestamp) : undefined));
    await this.cache.load(wantedFields(records, evs, ctx.windows));
    const markers = lateByTombstone(evs, this.cache);
    if (markers.size > 0)
      await this.cache.load({
        recipients: new Set(),
        messages: new Set(),
        loose: markers,
        tombstones: new Set(),
        directory: new Set(),
      });
    const place = {
      partition: this.deps.partition,
      messageHome: (t: string, m: string) => this.deps.messageHome(t, m),
    };
    const claimed = holdCandidates(evs, ctx.windows, this.cache, place);
    for (const [field, at] of await claimHolds(this.deps.redis, this.pk, claimed))
      this.cache.setDirectoryEntry(field, at);
    const run = new BatchRun(this.cache, ctx, place, meta.stream);
    records.forEach((r, i) => run.add(r, evs[i]));
    const res = run.finish();
    // A claim the batch did not need (its message found a recipient here after all) is released.
    const holds = new Set(res.anonymous);
    for (const f of claimed)
      if (!holds.has(`+${f}`) && this.cache.directoryEntry(f) === undefined) res.anonymous.push(`-${f}`);
    const writes = scopeWrites(res.delta, this.deps.keys, this.deps.minuteTtlSeconds);
    const enc = <T>(fields: Set<string>, get: (f: string) => T | undefined, e: (v: T) => string) =>
      [...fields].map((f): [string, string] => {
        const v = get(f);
        return [f, v === undefined ? '' : e(v)];
      });
    // Write-ahead, before the commit (so a crash repeats them, harmlessly): register new messages
    // with their home partitions, hand over what those held without a recipient, and forward.
    const held = await registerAll(
      this.deps.redis,
      this.deps.keys,
      this.deps.topic,
      res.registrations,
      this.deps.partition,
    );
    for (const [field, home] of held) {
      const cut = field.indexOf(' ');
      res.forwards.push({
        partition: home,
        value: JSON.stringify({
          control: 'handover',
          tenantId: field.slice(0, cut),
          messageId: field.slice(cut + 1),
          partition: this.deps.partition,
        }),
        timestamp: this.deps.now(),
      });
    }
    await this.deps.forward(res.forwards);
    const out = await commit(this.deps.redis, this.pk, {
      expectedNext: meta.next,
      expectedVersion: meta.version,
      next: last + 1,
      stream: res.stream,
      outbox: { offset: last, writes },
      recipients: enc(res.recipients, (f) => this.cache.recipient(f), encodeRecipient),
      messages: enc(res.messages, (f) => this.cache.message(f), encodeMessage),
      loose: enc(res.loose, (f) => this.cache.looseEvent(f), encodeLoose),
      tombstones: [],
      dirtyScopes: writes.map((w) => w.tag),
      anonymous: res.anonymous,
      audience: await this.audienceFor(res.audience, ctx),
    });
    if (out.status !== 'ok') {
      this.reset();
      return out;
    }
    await writeScopes(this.deps.redis, this.pk.field, last, writes);
    meta.next = last + 1;
    meta.stream = res.stream;
    meta.version += 1;
    this.cache.trim();
    return { status: 'ok', skipped: 0, ...res.outcomes };
  }
}
