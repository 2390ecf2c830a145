/**
 * Snapshot cuts and restores of the state, Redis side (the aggregator's snapshotter stores them in
 * Postgres). Each cut is one script on one hash slot, so none blocks Redis for long and none needs
 * the others' slots:
 * - a partition's cut: its meta (next offset, stream time), outbox and every record dirtied since
 *   the last stored cut — consistent, since only the owner writes the partition and the script is
 *   atomic;
 * - a scope's cut: the DUMP of every key written since the last stored cut, fence included.
 * Partitions are cut first, scopes after: a scope's fence is then never behind a stored partition
 * offset except by the outbox, which the partition's cut carries. A restore therefore puts every
 * partition at its offset O with every scope at or beyond O, and replay from O is exact (the
 * applier's point 4).
 */
import { batch, type BatchOp, type RedisClient } from '@tally/redis';
import type { PartitionKeys, RedisKeys } from '../keys.ts';
import { PARTITION_CLEAN_LUA, PARTITION_CUT_LUA, SCOPE_CLEAN_LUA, SCOPE_CUT_LUA } from './scripts.ts';
import type { Outbox } from './store.ts';
import { placementOf, splitField } from './codec.ts';

type Scripts = RedisClient & {
  tallyPartitionCut(...a: string[]): Promise<[string[], string, number, number, string[]]>;
  tallyPartitionClean(...a: string[]): Promise<string>;
  tallyScopeCutBuffer(...a: string[]): Promise<[Buffer, Buffer, Buffer, number, Buffer[]][]>;
  tallyScopeClean(...a: string[]): Promise<string>;
};

function scripts(redis: RedisClient): Scripts {
  const r = redis as Scripts;
  if (typeof r.tallyPartitionCut !== 'function') {
    redis.defineCommand('tallyPartitionCut', { lua: PARTITION_CUT_LUA });
    redis.defineCommand('tallyPartitionClean', { lua: PARTITION_CLEAN_LUA });
    redis.defineCommand('tallyScopeCut', { lua: SCOPE_CUT_LUA });
    redis.defineCommand('tallyScopeClean', { lua: SCOPE_CLEAN_LUA });
  }
  return r;
}

export type RecordKind = 'r' | 'm' | 'e' | 'x';
/** Rows of a cut: records, and `a` — audience rows the applier left for this snapshot only. */
export type CutKind = RecordKind | 'a';

export interface PartitionCut {
  topic: string;
  partition: number;
  next: number;
  stream: number;
  outbox: string;
  /** The cuts taken (numbers `from`..`n`; earlier ones are attempts not stored yet). */
  from: number;
  n: number;
  /** Records written since the last stored cut: kind, field, value ("" = deleted). */
  rows: { kind: CutKind; field: string; value: string }[];
  /** How long the cut script itself ran (it blocks RedisClient; reading the rows after does not). */
  scriptMs: number;
  /** Scopes written since the last cut, with their counters (for the clean). */
  scopes: [string, string][];
}

function pairs(list: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < list.length; i += 2) out.push([list[i] ?? '', list[i + 1] ?? '']);
  return out;
}

/**
 * The partition's cut (one O(1) script), then its records read in pages (HSCAN: nothing long
 * blocks Redis); undefined while the partition holds no whole state (no epoch).
 */
export async function cutPartition(
  redis: RedisClient,
  keys: RedisKeys,
  topic: string,
  partition: number,
): Promise<PartitionCut | undefined> {
  const k = keys.partition(topic, partition);
  const t0 = performance.now();
  const [meta, outbox, from, n, scopes] = await scripts(redis).tallyPartitionCut(
    '4',
    k.meta,
    k.outbox,
    k.dirty,
    k.dirtyScopes,
    k.cutPrefix,
  );
  const scriptMs = performance.now() - t0;
  const m = Object.fromEntries(pairs(meta));
  if (m.epoch === undefined) return undefined;
  const merged = new Map<string, string>();
  for (let c = Number(from); c <= Number(n); c++) {
    let cursor = '0';
    do {
      const [next, flat] = await redis.hscan(`${k.cutPrefix}${c}`, cursor, 'COUNT', 1000);
      cursor = next;
      for (let i = 0; i + 1 < flat.length; i += 2) merged.set(flat[i] ?? '', flat[i + 1] ?? '');
    } while (cursor !== '0');
  }
  return {
    topic,
    partition,
    next: Number(m.next ?? 0),
    stream: Number(m.stream ?? 0),
    outbox,
    from: Number(from),
    n: Number(n),
    rows: [...merged].map(([f, value]) => ({ kind: f.slice(0, 1) as CutKind, field: f.slice(2), value })),
    scopes: pairs(scopes),
    scriptMs,
  };
}

/**
 * Audience rows still due at the cut (marked, not computed yet) stay due: their marks go into
 * the partition's current dirty values unless the owner has written a row there since.
 */
export async function carryDueAudience(
  redis: RedisClient,
  keys: RedisKeys,
  cut: PartitionCut,
): Promise<void> {
  const due = cut.rows.filter((r) => r.kind === 'a' && r.value === '');
  if (due.length === 0) return;
  const k = keys.partition(cut.topic, cut.partition);
  const pipe = redis.pipeline();
  for (const r of due) pipe.hsetnx(k.dirty, `a ${r.field}`, '');
  const res = (await pipe.exec()) ?? [];
  for (const [err] of res) if (err) throw err;
}

/**
 * After a restore: the recipients whose audience rows were due when the restored snapshot was
 * taken (the snapshotter keeps them in Postgres, audience_due) are due again, so the owner
 * computes their rows — Redis held those marks only in the dirty hash the loss took.
 */
export async function restoreDueAudience(
  redis: RedisClient,
  keys: RedisKeys,
  topic: string,
  partition: number,
  fields: readonly string[],
): Promise<void> {
  if (fields.length === 0) return;
  const k = keys.partition(topic, partition);
  const pipe = redis.pipeline();
  for (const f of fields) pipe.hsetnx(k.dirty, `a ${f}`, '');
  const res = (await pipe.exec()) ?? [];
  for (const [err] of res) if (err) throw err;
}

/** After the cut is stored: its cut keys go, and scopes not written since are no longer dirty. */
export async function cleanPartition(redis: RedisClient, keys: RedisKeys, cut: PartitionCut): Promise<void> {
  const k = keys.partition(cut.topic, cut.partition);
  await scripts(redis).tallyPartitionClean(
    '2',
    k.meta,
    k.dirtyScopes,
    k.cutPrefix,
    String(cut.from),
    String(cut.n),
    ...cut.scopes.flat(),
  );
}

const s = (b: Buffer | undefined): string => b?.toString('utf8') ?? '';

export interface ScopeCut {
  tag: string;
  scriptMs: number;
  /** pttl: remaining TTL in ms, -1 none, -2 gone (dump empty); fields: a hash's contents. */
  entries: { key: Buffer; count: string; dump: Buffer; pttl: number; fields: Record<string, string> }[];
}

export async function cutScope(redis: RedisClient, keys: RedisKeys, tag: string): Promise<ScopeCut> {
  const t0 = performance.now();
  const raw = await scripts(redis).tallyScopeCutBuffer('2', keys.fence(tag), keys.touched(tag));
  return {
    tag,
    scriptMs: performance.now() - t0,
    entries: raw.map(([key, count, dump, pttl, fields]) => ({
      key,
      count: s(count),
      dump,
      pttl: Number(pttl),
      fields: Object.fromEntries(pairs(fields.map(s))),
    })),
  };
}

export async function cleanScope(redis: RedisClient, keys: RedisKeys, cut: ScopeCut): Promise<void> {
  if (cut.entries.length === 0) return;
  await scripts(redis).tallyScopeClean(
    '1',
    keys.touched(cut.tag),
    ...cut.entries.flatMap((e) => [s(e.key), e.count]),
  );
}

/** Restores DUMPed keys (expired ones skipped). One pipeline per call (per slot on a Cluster). */
export async function restoreKeys(
  redis: RedisClient,
  rows: { key: Buffer; value: Buffer; expireAt: number | null }[],
  now: number,
): Promise<number> {
  const live = rows.filter((row) => row.expireAt === null || row.expireAt > now + 1);
  await batch(
    redis,
    live.map((row) => [
      row.key,
      (c) => c.restore(row.key, row.expireAt ?? 0, row.value, 'REPLACE', 'ABSTTL'),
    ]),
  );
  return live.length;
}

/** Restores a partition's records (one pipeline per call). */
export async function restoreRecords(
  redis: RedisClient,
  k: PartitionKeys,
  rows: { kind: RecordKind; field: string; value: string }[],
): Promise<void> {
  const hash: Record<RecordKind, string> = { r: k.recipients, m: k.messages, e: k.loose, x: k.tombstones };
  const pipe = redis.pipeline();
  for (const r of rows) pipe.hset(hash[r.kind], r.field, r.value);
  const res = (await pipe.exec()) ?? [];
  for (const [err] of res) if (err) throw err;
}

/**
 * Makes a restored partition whole: its offset, stream time, outbox, epoch, and `replayTo` — the
 * highest fence any restored scope holds for it, up to which replay goes one record at a time.
 */
export async function restorePartitionMeta(
  redis: RedisClient,
  k: PartitionKeys,
  m: { next: number; stream: number; outbox: string; epoch: string; replayTo: number },
): Promise<void> {
  const multi = redis
    .multi()
    .hset(k.meta, 'next', m.next, 'stream', m.stream, 'epoch', m.epoch, 'replayTo', m.replayTo);
  if (m.outbox) multi.set(k.outbox, m.outbox);
  const res = (await multi.exec()) ?? [];
  for (const [err] of res) if (err) throw err;
}

/** Starts a partition that has never held state (a new topic or partition): empty and whole. */
export async function initPartition(redis: RedisClient, k: PartitionKeys, epoch: string): Promise<void> {
  await redis.hsetnx(k.meta, 'epoch', epoch);
}

export function outboxOf(cut: { outbox: string }): Outbox | undefined {
  return cut.outbox ? (JSON.parse(cut.outbox) as Outbox) : undefined;
}

export async function readEpoch(redis: RedisClient, keys: RedisKeys): Promise<string | null> {
  return redis.get(keys.epoch());
}

/**
 * After a restore: the directory and the holds of messages without a recipient, derived from the
 * restored message records (they are not snapshotted: each partition's records are a consistent
 * cut, so deriving them gives the protocol's invariant back — a message kept with its recipient
 * elsewhere is in its home's directory; one held without a recipient is marked held). These are
 * the writes one page of partition p's restored records implies; recovery writes them with the
 * page (writes to this partition's holds and to other homes' directories: a slot each).
 */
export function placementOps(
  keys: RedisKeys,
  topic: string,
  partition: number,
  rows: { kind: RecordKind; field: string; value: string }[],
  messageHome: (tenant: string, messageId: string) => number,
): BatchOp[] {
  const held: string[] = [];
  const byHome = new Map<number, string[]>();
  for (const r of rows) {
    if (r.kind !== 'm') continue;
    const where = placementOf(r.value);
    if (where === 'held') held.push(r.field, '1');
    else if (where === 'placed') {
      const [tenant, id] = splitField(r.field);
      const home = messageHome(tenant, id);
      if (home === partition) continue;
      const list = byHome.get(home);
      if (list) list.push(r.field, String(partition));
      else byHome.set(home, [r.field, String(partition)]);
    }
  }
  const k = keys.partition(topic, partition);
  const ops: BatchOp[] = [];
  if (held.length > 0) ops.push([k.anonymous, (c) => c.hset(k.anonymous, ...held)]);
  for (const [home, flat] of byHome) {
    const dir = keys.partition(topic, home).directory;
    ops.push([dir, (c) => c.hset(dir, ...flat)]);
  }
  return ops;
}
