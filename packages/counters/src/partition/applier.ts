/**
 * The processor of one partition: loads what a batch needs, folds it (batch.ts; retirement:
 * sweep.ts; audience rows: below) and commits the result through the partition's store. Why each
 * event counts once is store.ts's module doc; this file holds no Redis I/O of its own.
 */
import type { RedisClient } from '@tally/redis';
import type { PartitionKeys, RedisKeys } from '../keys.ts';
import type { CountContext } from '../state/count-message.ts';
import type { TenantWindows } from '../state/event.ts';
import {
  BatchRun,
  handoverForward,
  holdCandidates,
  lateByTombstone,
  PartialClusterError,
  releaseUnneeded,
  wantedFields,
  type Forward,
  type InputRecord,
  type RecordOutcome,
} from './batch.ts';
import { toEv } from '../state/event.ts';
import { audienceRow, audienceRowFromLive, refoldLive } from '../state/audience.ts';
import { attachments } from '../state/count-cluster.ts';
import { viewOf, type MessageView } from '../state/message.ts';
import { scopeWrites } from './scope-ops.ts';
import { StateLostError } from './epoch.ts';
import { noChanges, PartitionStore, tenantOf, type Changes, type PartitionMeta } from './store.ts';
import { emptySweep, sweepPage, type SweepContext, type SweepCursor } from './sweep.ts';

export interface ApplierDeps {
  redis: RedisClient;
  keys: RedisKeys;
  topic: string;
  partition: number;
  minuteTtlSeconds: number;
  /**
   * Per-tenant windows and horizon for the tenants of a batch; `refresh`: tenants whose settings
   * must be read again now (a cache may hold them from before their import opened).
   */
  windows(tenants: string[], refresh?: string[]): Promise<(tenant: string) => TenantWindows>;
  now(): number;
  cacheLimit?: number;
  /**
   * Records folded into one commit at most (default 1000): a batch beyond it commits in several
   * steps, so no commit script holds Redis long (each step is exact on its own: store.ts point 1).
   */
  commitRecords?: number;
  /** recipient_state rows written by one commit at most (default 1000; the rest stay due). */
  audienceRowsPerCommit?: number;
  /** The partition of the events topic a message's recipient-less events are keyed to. */
  messageHome(tenant: string, messageId: string): number;
  /** How often due recipient_state rows are computed (default 2 s). */
  audienceFlushMs?: number;
  /**
   * Messages a timed flush of due recipient_state rows reads from Redis at most (default 10,000)
   * for rows that fold every message of their recipient (a record whose live summary is unknown
   * or null; see audienceFor): rows beyond it stay due for the next flush, the oldest due row
   * always goes. A row written from the record alone reads none.
   */
  audienceReadsPerFlush?: number;
  /** How long a recipient record with nothing live is kept after its newest event (audience history). */
  recipientTtlMs?: number;
  /** Produces records to other partitions, acknowledged before it resolves. */
  forward(records: Forward[]): Promise<void>;
}

/** What a flush of due audience rows may still read from Redis (messages), and whether it began. */
interface AudienceBudget {
  reads: number;
  started: boolean;
}

export type ApplyOutcome =
  | ({ status: 'ok'; skipped: number } & Record<RecordOutcome, number>)
  | { status: 'lost' }
  | { status: 'seek'; offset: number }
  | { status: 'conflict'; next: number };

export class PartitionApplier {
  readonly store: PartitionStore;
  readonly pk: PartitionKeys;

  constructor(private readonly deps: ApplierDeps) {
    this.store = new PartitionStore({
      redis: deps.redis,
      keys: deps.keys,
      topic: deps.topic,
      partition: deps.partition,
      cacheLimit: deps.cacheLimit,
    });
    this.pk = this.store.pk;
  }

  private sweepAt: SweepCursor = { phase: 'r', cursor: '0' };
  /** Batches folded again with every cluster whole (see applyFresh). */
  refolds = 0;

  /**
   * Retires what stream time has passed (sweep.ts), a few pages per call; between batches of this
   * partition only (the caller serialises them). `caughtUpAt`: the wall clock when the partition
   * is known to have nothing unapplied, so an idle partition's time still moves.
   */
  async sweep(
    opts: { caughtUpAt?: number; pages?: number; pageSize?: number } = {},
  ): Promise<{ status: string; retired: number }> {
    return this.guarded(
      async () => {
        const meta = await this.store.open();
        if (!meta.whole) return { status: 'lost', retired: 0 };
        const streamTime = Math.max(meta.stream, opts.caughtUpAt ?? 0);
        const swept = emptySweep();
        const ctx: SweepContext = {
          redis: this.deps.redis,
          pk: this.pk,
          store: this.store,
          streamTime,
          partition: this.deps.partition,
          windows: (tenants) => this.deps.windows(tenants),
          recipientTtlMs: this.deps.recipientTtlMs ?? 92 * 86_400_000,
          messageHome: (t, m) => this.deps.messageHome(t, m),
        };
        for (let i = 0; i < (opts.pages ?? 4); i++)
          this.sweepAt = await sweepPage(ctx, this.sweepAt, opts.pageSize ?? 500, swept);
        const c = swept.changes;
        const touched = c.recipients.size + c.messages.size + c.loose.size + c.tombstones.size;
        if (touched === 0 && streamTime === meta.stream) return { status: 'ok', retired: 0 };
        const out = await this.store.commit({ changes: c, stream: streamTime });
        if (out.status !== 'ok') return { status: out.status, retired: 0 };
        await this.store.forgetDirectory(swept.forget);
        return { status: 'ok', retired: swept.retired };
      },
      { status: 'lost', retired: 0 },
    );
  }

  /**
   * recipient_state rows (the audience routes' input) are computed from the owner's memory, not
   * with every batch: a recipient the batch changed is marked due (an empty row in the dirty
   * values, so a snapshot, a crash or a new owner never loses it), and every AUDIENCE_FLUSH_MS
   * the due rows are computed and written over their marks. A snapshot carries marks still empty
   * over to the next one; a new owner finds them when it opens the partition.
   *
   * A recipient without recipient-level events whose record keeps its live summary
   * (RecipientRec.live, kept by batch.ts) gets its row from the record alone; any other folds
   * every message of its recipient (and sets the summary if it was unknown), within the budget.
   */
  private audienceFlushedAt = 0;

  private async audienceFor(
    touched: Set<string>,
    ctx: CountContext,
    changes: Changes,
    force = false,
    budget: AudienceBudget = { reads: this.deps.audienceReadsPerFlush ?? 10_000, started: false },
  ): Promise<[string, string][]> {
    const due = this.store.audienceDue;
    const out: [string, string][] = [];
    for (const f of touched)
      if (!due.has(f)) {
        due.add(f);
        out.push([f, '']);
      }
    const now = this.deps.now();
    if (!force && now - this.audienceFlushedAt < (this.deps.audienceFlushMs ?? 2000)) return out;
    this.audienceFlushedAt = now;
    const rows = new Map(out);
    const limit = this.deps.audienceRowsPerCommit ?? 1000;
    const candidates = new Set<string>();
    for (const f of due) {
      if (candidates.size >= limit) break;
      candidates.add(f);
    }
    // the recipient records first, then as many whole histories as the budget reads
    await this.store.load({ recipients: candidates });
    const records = this.store.records;
    const days = Math.ceil((this.deps.recipientTtlMs ?? 92 * 86_400_000) / 86_400_000) + 1;
    const picked = new Set<string>();
    for (const f of candidates) {
      const rec = records.recipient(f);
      if (rec && rec.events.length === 0 && rec.live) {
        // no recipient-level event to attribute: the record alone holds the row (audience.ts)
        rows.set(f, JSON.stringify(audienceRowFromLive(rec, rec.live, days)));
        due.delete(f);
        continue;
      }
      const cost = records.unread(f);
      // the flush's first row goes whatever it costs (the oldest due: no row waits forever)
      if (budget.started && cost > 0 && cost > budget.reads) continue;
      budget.started = true;
      budget.reads -= cost;
      picked.add(f);
    }
    await this.store.load({ recipients: picked, whole: picked });
    for (const f of picked) {
      const cluster = records.cluster(f);
      if (!cluster) continue;
      const { rec } = cluster;
      const views: MessageView[] = [];
      for (const m of cluster.messages.values()) views.push(viewOf(m));
      const { targets } = attachments(rec, views, ctx);
      rows.set(f, JSON.stringify(audienceRow(rec, views, targets, days)));
      if (rec.live === undefined) {
        // every message at hand: the live summary is known from here on (written with the rows)
        refoldLive(rec, views);
        changes.recipients.add(f);
      }
    }
    for (const f of picked) due.delete(f);
    return [...rows];
  }

  /**
   * Writes the due recipient_state rows now (an idle partition's, between batches). `bounded`: a
   * timed flush, which reads at most `audienceReadsPerFlush` messages (the rest stay due); else
   * every due row is written (before a snapshot that must hold them, and at shutdown).
   */
  async flushAudience(bounded = false): Promise<void> {
    const budget = {
      reads: bounded ? (this.deps.audienceReadsPerFlush ?? 10_000) : Infinity,
      started: false,
    };
    await this.guarded(async () => {
      while (this.store.audienceDue.size > 0 && budget.reads > 0) {
        const meta = await this.store.open();
        if (!meta.whole) return;
        const ctx = await this.context([...new Set([...this.store.audienceDue].map(tenantOf))]);
        const dueBefore = this.store.audienceDue.size;
        const changes = noChanges();
        const audience = await this.audienceFor(new Set(), ctx, changes, true, budget);
        if (this.store.audienceDue.size === dueBefore) return; // what is left costs more than the budget
        const out = await this.store.commit({ changes, audience });
        if (out.status !== 'ok') return;
      }
    }, undefined);
  }

  /**
   * Recipients that record a message another recipient now lists (batch.ts `sharedOwners`): a
   * change reached through the other would not reach their live summaries, so these become null
   * (their rows are folded from every message from now on), written with the batch. Their rows
   * are due too, every time: they list the message the batch changed through the other recipient.
   */
  private async unshareLive(owners: Set<string>, res: { changes: Changes; audience: Set<string> }) {
    if (owners.size === 0) return;
    await this.store.load({ recipients: owners });
    for (const f of owners) {
      const rec = this.store.records.recipient(f);
      if (!rec) continue;
      res.audience.add(f);
      if (rec.live === null) continue;
      rec.live = null;
      res.changes.recipients.add(f);
    }
  }

  /** Forgets everything in memory: the next batch reads the partition again. */
  reset(): void {
    this.store.reset();
  }

  /** The partition's next offset as this owner knows it (loading it if needed). */
  async nextOffset(): Promise<number | undefined> {
    return this.guarded(async () => {
      const meta = await this.store.open();
      return meta.whole ? meta.next : undefined;
    }, undefined);
  }

  /**
   * Runs fn; anything that throws drops the memory (store.ts point 5). A script that found its
   * slot's data lost (StateLostError, epoch.ts) gives `lost`: recovery rebuilds the state.
   */
  private async guarded<T>(fn: () => Promise<T>, lost: T): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      this.reset();
      if (err instanceof StateLostError) return lost;
      throw err;
    }
  }

  private async context(tenants: string[]): Promise<CountContext> {
    return {
      now: this.deps.now(),
      minuteTtlSeconds: this.deps.minuteTtlSeconds,
      windows: await this.deps.windows(tenants),
    };
  }

  /**
   * The batch's context. A tenant with imported events in the batch whose settings say it has no
   * open import is read again first: its import opened after they were cached, and retirement
   * must keep the tenant's state for the backfill window from the first imported event on.
   */
  private async batchContext(records: InputRecord[]): Promise<CountContext> {
    const tenants = [...new Set(records.map((r) => r.event?.tenantId ?? r.control?.tenantId ?? ''))];
    const ctx = await this.context(tenants);
    const stale = [
      ...new Set(records.filter((r) => r.event?.importId !== undefined).map((r) => r.event?.tenantId ?? '')),
    ].filter((t) => ctx.windows(t).importing !== true);
    if (stale.length === 0) return ctx;
    return { ...ctx, windows: await this.deps.windows(tenants, stale) };
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
    return this.guarded(
      async () => {
        const meta = await this.store.open();
        if (!meta.whole) return { status: 'lost' };
        const fresh = records.filter((r) => r.offset >= meta.next);
        const total = { ...zero, skipped: records.length - fresh.length };
        if (last < meta.next) return total;
        if (first > meta.next && !opts.allowGap) return { status: 'seek', offset: meta.next };
        const parts = this.split(fresh, meta);
        for (const [i, part] of parts.entries()) {
          const partLast = i === parts.length - 1 ? last : (part[part.length - 1]?.offset ?? last);
          const r = await this.applyFresh(part, partLast);
          if (r.status !== 'ok') return r;
          total.applied += r.applied;
          total.duplicate += r.duplicate;
          total.late += r.late;
          total.forwarded += r.forwarded;
        }
        return total;
      },
      { status: 'lost' },
    );
  }

  /**
   * Records up to `replayTo` one per commit (store.ts point 4), the rest in commits of at most
   * `commitRecords` (the last part maybe empty: it still moves the offset past `last`).
   */
  private split(records: InputRecord[], meta: PartitionMeta): InputRecord[][] {
    const singles = records.filter((r) => r.offset <= meta.replayTo).map((r) => [r]);
    const rest = records.filter((r) => r.offset > meta.replayTo);
    if (rest.length === 0) return singles.length === 0 ? [rest] : singles;
    const size = Math.max(1, this.deps.commitRecords ?? 1000);
    const parts = [...singles];
    for (let i = 0; i < rest.length; i += size) parts.push(rest.slice(i, i + size));
    return parts;
  }

  /**
   * Load → fold → commit. A fold that finds a recipient part in a cluster loaded without all its
   * messages (batch.ts `PartialClusterError`: an event the load did not expect to add one) is
   * dropped with the memory it touched, and the records are folded again with every cluster whole.
   */
  private async applyFresh(records: InputRecord[], last: number, allWhole = false): Promise<ApplyOutcome> {
    try {
      return await this.loadFoldCommit(records, last, allWhole);
    } catch (err) {
      if (!(err instanceof PartialClusterError) || allWhole) throw err;
      this.refolds += 1;
      this.store.reset();
      return this.applyFresh(records, last, true);
    }
  }

  private async loadFoldCommit(
    records: InputRecord[],
    last: number,
    allWhole: boolean,
  ): Promise<ApplyOutcome> {
    const meta = await this.store.open();
    if (!meta.whole) return { status: 'lost' };
    const ctx = await this.batchContext(records);
    const evs = records.map((r) => (r.event ? toEv(r.event, r.timestamp) : undefined));
    const cache = this.store.records;
    // load
    await this.store.load({ ...wantedFields(records, evs, ctx.windows), allWhole });
    const markers = lateByTombstone(evs, cache);
    if (markers.size > 0) await this.store.load({ loose: markers });
    const place = {
      partition: this.deps.partition,
      messageHome: (t: string, m: string) => this.deps.messageHome(t, m),
    };
    const claimed = holdCandidates(evs, ctx.windows, cache, place);
    await this.store.claimHolds(claimed);
    // fold
    const run = new BatchRun(cache, ctx, place, meta.stream);
    records.forEach((r, i) => run.add(r, evs[i]));
    const res = run.finish();
    releaseUnneeded(claimed, res, cache);
    await this.unshareLive(res.sharedOwners, res);
    // Write-ahead (store.ts point 6): register new messages with their homes, hand over what
    // those held without a recipient, and forward.
    for (const [field, home] of await this.store.register(res.registrations))
      res.forwards.push(handoverForward(field, home, this.deps.partition, this.deps.now()));
    await this.deps.forward(res.forwards);
    // commit
    const out = await this.store.commit({
      changes: res.changes,
      batch: { last, writes: scopeWrites(res.delta, this.deps.keys, this.deps.minuteTtlSeconds) },
      stream: res.stream,
      audience: await this.audienceFor(res.audience, ctx, res.changes),
    });
    if (out.status !== 'ok') return out;
    return { status: 'ok', skipped: 0, ...res.outcomes };
  }
}
