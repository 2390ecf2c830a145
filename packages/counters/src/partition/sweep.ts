/**
 * Retirement of a partition's state (state/retire.ts says what retires and why no count changes),
 * a page at a time: each call walks one page (HSCAN) of one of the partition's hashes — recipients
 * with their messages, messages held without a recipient, loose events and late markers,
 * tombstones — and returns the records to rewrite or delete. Stream time decides, never the wall
 * clock directly: a partition replaying a backlog retires nothing its backlog still needs.
 */
import type { RedisClient } from '@tally/redis';
import type { PartitionKeys } from '../keys.ts';
import type { CountContext } from '../state/count-message.ts';
import { FUTURE_SKEW_MS, keepHorizonMs, messageRetentionMs, type TenantWindows } from '../state/event.ts';
import { retireCluster } from '../state/retire.ts';
import type { RecipientRec } from '../state/recipient.ts';
import { hasRecipientPart } from '../state/count-cluster.ts';
import { decodeRecipient, fieldOf, placementOf, splitField } from './codec.ts';
import { noChanges, type Changes, type PartitionStore } from './store.ts';

export type SweepPhase = 'r' | 'm' | 'e' | 'x';
const NEXT: Record<SweepPhase, SweepPhase> = { r: 'm', m: 'e', e: 'x', x: 'r' };

export interface SweepCursor {
  phase: SweepPhase;
  cursor: string;
}

export interface Swept {
  /** What to commit (a retired message's hold is released with it). */
  changes: Changes;
  /** Messages retired here that their home's directory may forget: [home field, message field]. */
  forget: { home: number; field: string }[];
  retired: number;
}

export function emptySweep(): Swept {
  return { changes: noChanges(), forget: [], retired: 0 };
}

export interface SweepContext {
  redis: RedisClient;
  pk: PartitionKeys;
  store: PartitionStore;
  streamTime: number;
  partition: number;
  windows: (tenants: string[]) => Promise<(tenant: string) => TenantWindows>;
  recipientTtlMs: number;
  messageHome(tenant: string, messageId: string): number;
}

/** Walks one page; returns the cursor to continue from. */
export async function sweepPage(
  ctx: SweepContext,
  at: SweepCursor,
  page: number,
  out: Swept,
): Promise<SweepCursor> {
  const key = { r: ctx.pk.recipients, m: ctx.pk.messages, e: ctx.pk.loose, x: ctx.pk.tombstones }[at.phase];
  const [next, flat] = await ctx.redis.hscan(key, at.cursor, 'COUNT', page);
  const fields = flat.filter((_, i) => i % 2 === 0);
  const tenants = [...new Set(fields.map((f) => splitField(f)[0]))];
  const windows = await ctx.windows(tenants);
  if (at.phase === 'r') await sweepRecipients(ctx, flat, windows, out);
  if (at.phase === 'm') await sweepHeld(ctx, flat, windows, out);
  if (at.phase === 'e') await sweepLoose(ctx, fields, windows, out);
  if (at.phase === 'x') sweepTombstones(ctx, flat, windows, out);
  return next === '0' ? { phase: NEXT[at.phase], cursor: '0' } : { phase: at.phase, cursor: next };
}

/**
 * Whether retirement could change the recipient now (retireCluster's rules, read from the record
 * alone): a message due (none is while stream time is within a message's retention of
 * `oldestAt`), an event due (the shorter of its two keeps), a live summary to fold for the first
 * time, or an empty record past its time to live. False means retireCluster would change nothing,
 * so its messages need not be read.
 */
export function mayRetire(
  rec: RecipientRec,
  streamTime: number,
  w: TenantWindows,
  recipientTtlMs: number,
): boolean {
  if (rec.live === undefined) return true;
  const keepMessage = messageRetentionMs(w);
  if (rec.messageIds.length > 0 && (rec.oldestAt === undefined || streamTime > rec.oldestAt + keepMessage))
    return true;
  const keepEvent = Math.min(keepMessage, keepHorizonMs(w));
  if (rec.events.some((e) => streamTime > e.t + keepEvent)) return true;
  return rec.messageIds.length === 0 && rec.events.length === 0 && streamTime > rec.newestAt + recipientTtlMs;
}

/**
 * A page of recipients (HSCAN's field, value pairs): each is judged from its record (the cached
 * one, or the page's value, decoded without caching it), and only those that may retire are read
 * whole — so a sweep does not read the history of recipients with nothing to retire (reading every
 * message of every recipient made its cost grow with their lists: bench/CHANGES.md, the soak).
 */
async function sweepRecipients(
  ctx: SweepContext,
  flat: string[],
  windows: (tenant: string) => TenantWindows,
  out: Swept,
): Promise<void> {
  const cache = ctx.store.records;
  const fields: string[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i] ?? '';
    const rec = cache.has('recipient', field)
      ? cache.recipient(field)
      : decodeRecipient(field, flat[i + 1] ?? '');
    if (rec && mayRetire(rec, ctx.streamTime, windows(rec.tenant), ctx.recipientTtlMs)) fields.push(field);
  }
  if (fields.length === 0) return;
  await ctx.store.load({ recipients: new Set(fields), whole: new Set(fields) });
  const count: CountContext = { now: 0, minuteTtlSeconds: 0, windows };
  for (const field of fields) {
    const cluster = cache.cluster(field);
    if (!cluster) continue;
    // the cache's own cluster: what retires leaves its map and its list together (retire.ts)
    const { rec, messages } = cluster;
    const before = JSON.stringify(rec);
    const was = new Map([...messages].map(([id, m]) => [id, JSON.stringify(m)]));
    const gone = retireCluster(cluster, ctx.streamTime, count, ctx.recipientTtlMs);
    // what retired may leave the recipient part empty (or frozen memberships give it one)
    rec.recipientPart = hasRecipientPart(rec, messages.values());
    const horizon = keepHorizonMs(windows(rec.tenant));
    for (const m of gone.messages) {
      const mf = fieldOf(rec.tenant, m.messageId);
      cache.setMessage(mf, null);
      out.changes.messages.add(mf);
      out.changes.holds.set(mf, false);
      out.changes.tombstones.set(mf, ctx.streamTime + horizon);
      cache.setTombstone(mf, ctx.streamTime + horizon);
      const home = ctx.messageHome(rec.tenant, m.messageId);
      if (home !== ctx.partition) out.forget.push({ home, field: mf });
    }
    // Messages that stay may have taken frozen attachments of retired events.
    for (const [id, m] of messages)
      if (was.get(id) !== JSON.stringify(m)) out.changes.messages.add(fieldOf(rec.tenant, id));
    out.retired += gone.messages.length + gone.events;
    if (gone.recipient) {
      cache.setRecipient(field, null);
      out.changes.recipients.add(field);
    } else if (JSON.stringify(rec) !== before) out.changes.recipients.add(field);
  }
}

/**
 * A page of messages (HSCAN's field, value pairs): only those held without a recipient are read
 * (the page's value tells, or the cached record), so the walk does not pull every message and its
 * recipient into memory.
 */
async function sweepHeld(
  ctx: SweepContext,
  flat: string[],
  windows: (tenant: string) => TenantWindows,
  out: Swept,
): Promise<void> {
  const cache = ctx.store.records;
  const fields: string[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i] ?? '';
    const held = cache.has('message', field)
      ? cache.message(field)?.anon !== undefined
      : placementOf(flat[i + 1] ?? '[]') === 'held';
    if (held) fields.push(field);
  }
  if (fields.length === 0) return;
  await ctx.store.load({ messages: new Set(fields) });
  for (const field of fields) {
    const m = cache.message(field);
    if (!m?.anon) continue;
    const w = windows(m.rec.tenant);
    if (ctx.streamTime <= m.rec.newestAt + messageRetentionMs(w)) continue;
    cache.setMessage(field, null);
    out.changes.messages.add(field);
    out.changes.holds.set(field, false);
    out.changes.tombstones.set(field, ctx.streamTime + keepHorizonMs(w));
    cache.setTombstone(field, ctx.streamTime + keepHorizonMs(w));
    out.retired += 1;
  }
}

async function sweepLoose(
  ctx: SweepContext,
  fields: string[],
  windows: (tenant: string) => TenantWindows,
  out: Swept,
): Promise<void> {
  await ctx.store.load({ loose: new Set(fields) });
  const cache = ctx.store.records;
  for (const field of fields) {
    const l = cache.looseEvent(field);
    if (!l) continue;
    // A late marker lives a horizon past the late event's arrival; a loose event a horizon past its
    // time (any retry arriving later is late itself) — the backfill window while its tenant imports.
    const until = l.late ? l.late.until : l.ev.t + keepHorizonMs(windows(l.ev.tenant)) + FUTURE_SKEW_MS;
    if (ctx.streamTime <= until) continue;
    cache.setLoose(field, null);
    out.changes.loose.add(field);
    out.retired += 1;
  }
}

/**
 * A tombstone goes when stream time passes it — but not while its tenant imports: a tombstone
 * written before the import opened (for H) must still turn the import's events of that retired
 * message late rather than new.
 */
function sweepTombstones(
  ctx: SweepContext,
  flat: string[],
  windows: (tenant: string) => TenantWindows,
  out: Swept,
): void {
  const cache = ctx.store.records;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i] ?? '';
    if (ctx.streamTime <= Number(flat[i + 1]) || windows(splitField(field)[0]).importing) continue;
    out.changes.tombstones.set(field, null);
    cache.setTombstone(field, null);
    out.retired += 1;
  }
}
