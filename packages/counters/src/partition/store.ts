/**
 * One partition's state store, and why each event counts once (the exactly-once argument, in one
 * place; docs/semantics.md says *what* is computed).
 *
 * The processor (applier.ts) only loads → folds (batch.ts, sweep.ts) → commits; everything about
 * where and how the state lives is here: the cache (cache.ts), the fence (offset and version),
 * the dirty tracking (changed records, holds, due audience rows), the encoding and field grammar
 * (codec.ts), the one `commit(…)`, and the scope writes. Cuts and restores are cuts.ts.
 *
 * 1. A partition's state (its recipients, messages and loose events, `P:p:{p}:*`) has one writer:
 *    the partition's owner. A batch is folded into that state in memory, and the result is
 *    committed in ONE script on the partition's hash slot (scripts.ts COMMIT_LUA) together with
 *    the partition's next offset and the batch's scope deltas (the outbox). The script refuses the
 *    commit unless the stored next offset and version (a count of commits: retirement sweeps and
 *    audience flushes commit without moving the offset) are the ones this owner read: a stale
 *    owner (paused, or fenced out by a rebalance) cannot overwrite a newer state, nor write from a
 *    memory of it older than the last commit. Records below the stored offset are skipped: a
 *    batch redelivered after a crash, a rebalance or a lagging Kafka commit changes nothing. A
 *    batch that starts above it is answered `seek`.
 * 2. Scope aggregates (campaign, sender and tenant counters) are the sum of entities'
 *    contributions; a batch adds each touched entity's contribution after minus before. Those
 *    deltas are first stored in the outbox (step 1), then written to each scope by a script that
 *    skips them when the scope's fence for this partition is already at the batch's last offset
 *    (SCOPE_WRITE_LUA) — so a crash between the commit and the scope writes is repaired by
 *    writing the outbox again when the partition is next opened, and never counts twice.
 * 3. Folding is idempotent and order-free: message summaries are joins, recipient-level events a
 *    set by event digest, and attribution a pure function of the recipient's state; so whatever
 *    the order, the batch boundaries or the duplicates, the entity state — and so every
 *    contribution — is a function of the set of events applied.
 * 4. After a restore from an older snapshot, a scope may already hold deltas of offsets beyond the
 *    partition's restored offset (its snapshot is newer): those offsets are re-applied one record
 *    per commit (`replayTo`), so each scope skips exactly the records it already has.
 * 5. The cache holds only committed state: a commit that does not go through, or anything that
 *    throws, drops it (`reset`), and the next batch reads the partition again.
 * 6. Holds of messages without a recipient are claimed before a batch is folded (`claimHolds`,
 *    README "Events without a recipient"): a registration racing the batch finds the claim and
 *    asks for a handover, so no commit is refused for that race and no batch is folded twice.
 *    Registrations, handovers and forwards are written before the commit: a crash repeats them,
 *    harmlessly (a directory entry is idempotent; a handover of a message not held only releases
 *    the claim; a forwarded event is deduplicated by its digest where it lands).
 * 7. Every script refuses to run on a state that is not whole: the partition's `epoch` in its
 *    meta, and the epoch of the script's hash slot (epoch.ts: on Redis Cluster one master can
 *    lose its data alone). A Redis, or a master, that lost its data is rebuilt from the last
 *    snapshot, never written into: the processor answers `lost`, and recovery rebuilds.
 */
import type { ChainableCommander } from 'ioredis';
import { batch, type RedisClient } from '@tally/redis';
import type { PartitionKeys, RedisKeys } from '../keys.ts';
import { PartitionCache, wanted, type Wanted } from './cache.ts';
import { encodeLoose, encodeMessage, encodeRecipient, splitField } from './codec.ts';
import { epochKeyFor, StateLostError } from './epoch.ts';
import { CLAIM_LUA, COMMIT_LUA, REGISTER_LUA, SCOPE_WRITE_LUA } from './scripts.ts';
import type { ScopeWrite } from './scope-ops.ts';

type Scripted = RedisClient & {
  tallyCommit(...args: string[]): Promise<string[]>;
  tallyScopeWrite(...args: string[]): Promise<string>;
  tallyRegister(...args: string[]): Promise<string[]>;
  tallyClaim(...args: string[]): Promise<string[]>;
};

export function scripted(redis: RedisClient): Scripted {
  const r = redis as Scripted;
  if (typeof r.tallyCommit !== 'function') {
    redis.defineCommand('tallyCommit', { lua: COMMIT_LUA });
    redis.defineCommand('tallyScopeWrite', { lua: SCOPE_WRITE_LUA });
    redis.defineCommand('tallyRegister', { lua: REGISTER_LUA });
    redis.defineCommand('tallyClaim', { lua: CLAIM_LUA });
  }
  return r;
}

/** A pipeline of the scripted client has the scripts too. */
const as = (c: ChainableCommander) =>
  c as ChainableCommander & {
    tallyScopeWrite(...args: string[]): unknown;
    tallyRegister(...args: string[]): unknown;
  };

export interface PartitionMeta {
  next: number;
  stream: number;
  whole: boolean;
  /** After a restore: offsets up to here are replayed one at a time (scope fences may be ahead). */
  replayTo: number;
  /** Commits so far (COMMIT_LUA): a commit is refused unless it is the one this owner read. */
  version: number;
}

export async function readMeta(redis: RedisClient, k: PartitionKeys): Promise<PartitionMeta> {
  const m = await redis.hgetall(k.meta);
  return {
    next: Number(m.next ?? 0),
    stream: Number(m.stream ?? 0),
    whole: m.epoch !== undefined,
    replayTo: Number(m.replayTo ?? -1),
    version: Number(m.v ?? 0),
  };
}

/** A batch's scope writes, kept with the partition until the next batch replaces them. */
export interface Outbox {
  offset: number;
  writes: ScopeWrite[];
}

async function readOutbox(redis: RedisClient, k: PartitionKeys): Promise<Outbox | undefined> {
  const s = await redis.get(k.outbox);
  return s ? (JSON.parse(s) as Outbox) : undefined;
}

/** Recipients whose recipient_state row is due (an empty row in the dirty values), on a load. */
async function dueAudience(redis: RedisClient, k: PartitionKeys): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(k.dirty, cursor, 'MATCH', `${AUDIENCE_MARK}*`, 'COUNT', 1000);
    cursor = next;
    for (let i = 0; i + 1 < flat.length; i += 2)
      if (flat[i + 1] === '') out.push((flat[i] ?? '').slice(AUDIENCE_MARK.length));
  } while (cursor !== '0');
  return out;
}

/** The dirty-values field prefix of an audience row (COMMIT_LUA writes `a <field>`). */
const AUDIENCE_MARK = 'a ';

/**
 * What a fold changed, to be committed: the records whose cached value is now to be written (a
 * record absent from the cache is deleted), tombstones, and the holds of messages without a
 * recipient (true = held here, false = released; the last word for a message wins).
 */
export interface Changes {
  recipients: Set<string>;
  messages: Set<string>;
  loose: Set<string>;
  /** field → until (stream time); null deletes. */
  tombstones: Map<string, number | null>;
  holds: Map<string, boolean>;
}

export function noChanges(): Changes {
  return {
    recipients: new Set(),
    messages: new Set(),
    loose: new Set(),
    tombstones: new Map(),
    holds: new Map(),
  };
}

/** The script's input: everything already encoded. */
export interface CommitInput {
  expectedNext: number;
  /** The partition's version as this owner read it (PartitionMeta.version). */
  expectedVersion: number;
  next: number;
  stream: number;
  /** Undefined keeps the stored outbox. */
  outbox: Outbox | undefined;
  recipients: [string, string][];
  messages: [string, string][];
  loose: [string, string][];
  tombstones: [string, string][];
  dirtyScopes: string[];
  holds: Map<string, boolean>;
  /** Audience rows (recipient field → JSON; '' = due) for the next snapshot only (never kept in state). */
  audience?: [string, string][];
}

export type CommitResult = { status: 'ok' } | { status: 'lost' } | { status: 'conflict'; next: number };

/** Runs COMMIT_LUA (the hold marks "+field"/"-field" are spelled here and in the script only). */
export async function commitScript(
  redis: RedisClient,
  k: PartitionKeys,
  epochKey: string,
  c: CommitInput,
): Promise<CommitResult> {
  const flat = (pairs: [string, string][]) => [String(pairs.length), ...pairs.flat()];
  const holds = [...c.holds].map(([f, held]) => (held ? `+${f}` : `-${f}`));
  const res = await scripted(redis).tallyCommit(
    '10',
    k.meta,
    k.recipients,
    k.messages,
    k.loose,
    k.tombstones,
    k.outbox,
    k.dirty,
    k.dirtyScopes,
    k.anonymous,
    epochKey,
    String(c.expectedNext),
    String(c.next),
    String(c.stream),
    c.outbox === undefined ? '' : JSON.stringify(c.outbox),
    String(c.expectedVersion),
    ...flat(c.recipients),
    ...flat(c.messages),
    ...flat(c.loose),
    ...flat(c.tombstones),
    String(c.dirtyScopes.length),
    ...c.dirtyScopes,
    String(holds.length),
    ...holds,
    String(c.audience?.length ?? 0),
    ...(c.audience ?? []).flat(),
  );
  const [status, arg = ''] = res;
  if (status === 'ok' || status === 'lost') return { status };
  if (status === 'conflict') return { status, next: Number(arg) };
  throw new Error(`commit script answered ${status}`);
}

export interface StoreDeps {
  redis: RedisClient;
  keys: RedisKeys;
  topic: string;
  partition: number;
  /** Records kept decoded per kind (cache.ts); beyond it the oldest are forgotten and re-read. */
  cacheLimit?: number | undefined;
}

/** What one commit writes besides the changed records. */
export interface CommitRequest {
  changes: Changes;
  /** A batch ending at offset `last` with its scope writes (the outbox); absent keeps both. */
  batch?: { last: number; writes: ScopeWrite[] };
  /** Stream time after the commit (default: unchanged). */
  stream?: number;
  /** Audience rows (recipient field → JSON; '' = due). */
  audience?: [string, string][];
}

export class PartitionStore {
  readonly pk: PartitionKeys;
  private readonly cache: PartitionCache;
  private meta: PartitionMeta | undefined;
  /** Recipients whose audience row is due (marked in Redis with an empty row, see applier.ts). */
  readonly audienceDue = new Set<string>();
  /** The epoch of the partition's slot (epoch.ts): every script on the slot checks it. */
  private readonly epochKey: string;

  constructor(private readonly deps: StoreDeps) {
    this.pk = deps.keys.partition(deps.topic, deps.partition);
    this.epochKey = epochKeyFor(deps.redis, deps.keys, this.pk.meta);
    this.cache = new PartitionCache(deps.redis, this.pk, deps.cacheLimit);
  }

  /** The decoded records (read through, committed state only: see point 5). */
  get records(): PartitionCache {
    return this.cache;
  }

  /**
   * The partition's meta as this owner knows it, loading it (and repairing the outbox's scope
   * writes, point 2) on first use after a reset. Undefined `whole`: the state is lost.
   */
  async open(): Promise<PartitionMeta> {
    if (this.meta) return this.meta;
    const meta = await readMeta(this.deps.redis, this.pk);
    if (!meta.whole) return meta;
    const outbox = await readOutbox(this.deps.redis, this.pk);
    if (outbox) await this.writeScopes(outbox.offset, outbox.writes);
    for (const f of await dueAudience(this.deps.redis, this.pk)) this.audienceDue.add(f);
    this.meta = meta;
    return meta;
  }

  /** Forgets everything in memory: the next use reads the partition again. */
  reset(): void {
    this.meta = undefined;
    this.cache.clear();
    this.audienceDue.clear();
  }

  /** Reads what a fold needs that is not cached yet (cache.ts). */
  load(w: Partial<Wanted>): Promise<void> {
    return this.cache.load(wanted(w));
  }

  /** The one commit (point 1): encodes the changed records from the cache and runs COMMIT_LUA. */
  async commit(req: CommitRequest): Promise<CommitResult> {
    const meta = this.meta;
    if (!meta) throw new Error('commit before open');
    const c = this.cache;
    const writes = req.batch?.writes ?? [];
    const out = await commitScript(this.deps.redis, this.pk, this.epochKey, {
      expectedNext: meta.next,
      expectedVersion: meta.version,
      next: req.batch ? req.batch.last + 1 : meta.next,
      stream: req.stream ?? meta.stream,
      outbox: req.batch ? { offset: req.batch.last, writes } : undefined,
      recipients: encoded(req.changes.recipients, (f) => c.recipient(f), encodeRecipient),
      messages: encoded(req.changes.messages, (f) => c.message(f), encodeMessage),
      loose: encoded(req.changes.loose, (f) => c.looseEvent(f), encodeLoose),
      tombstones: [...req.changes.tombstones].map(([f, until]): [string, string] => [
        f,
        until === null ? '' : String(until),
      ]),
      dirtyScopes: writes.map((w) => w.tag),
      holds: req.changes.holds,
      ...(req.audience ? { audience: req.audience } : {}),
    });
    if (out.status !== 'ok') {
      this.reset();
      return out;
    }
    if (req.batch) {
      await this.writeScopes(req.batch.last, writes);
      meta.next = req.batch.last + 1;
    }
    meta.stream = req.stream ?? meta.stream;
    meta.version += 1;
    this.cache.trim();
    return out;
  }

  /** Claims holds before a fold (point 6); the cache learns the messages registered already. */
  async claimHolds(fields: string[]): Promise<void> {
    for (const [field, at] of await claimHolds(this.deps.redis, this.pk, this.epochKey, fields))
      this.cache.setDirectoryEntry(field, at);
  }

  /** Registers new messages with their homes; returns those a home held (field → home). */
  register(registrations: Map<string, number>): Promise<[string, number][]> {
    return registerAll(this.deps.redis, this.deps.keys, this.deps.topic, registrations, this.deps.partition);
  }

  /** After a sweep: directory entries of messages retired here. */
  forgetDirectory(entries: { home: number; field: string }[]): Promise<void> {
    return forgetDirectory(this.deps.redis, this.deps.keys, this.deps.topic, entries);
  }

  private writeScopes(offset: number, writes: ScopeWrite[]): Promise<void> {
    return writeScopes(this.deps.redis, this.deps.keys, this.pk.field, offset, writes);
  }
}

function encoded<T>(
  fields: Set<string>,
  get: (f: string) => T | undefined,
  enc: (v: T) => string,
): [string, string][] {
  const out: [string, string][] = [];
  for (const f of fields) {
    const v = get(f);
    out.push([f, v === undefined ? '' : enc(v)]);
  }
  return out;
}

/** The tenant of a record field ("T id", codec.ts owns the grammar). */
export const tenantOf = (field: string): string => splitField(field)[0];

/**
 * Claims the messages this partition is about to hold without a recipient (CLAIM_LUA, on its own
 * slot). Returns those its directory names already (field → the partition keeping them).
 */
export async function claimHolds(
  redis: RedisClient,
  k: PartitionKeys,
  epochKey: string,
  fields: string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (fields.length === 0) return out;
  const res = await scripted(redis).tallyClaim('3', k.directory, k.anonymous, epochKey, ...fields);
  if (res[0] !== 'ok') throw new StateLostError(`claim on ${k.field}`);
  for (let i = 1; i + 1 < res.length; i += 2) out.set(res[i] ?? '', Number(res[i + 1]));
  return out;
}

/**
 * Registers new messages with their home partitions (where their recipient-less events are
 * keyed): those are forwarded to `holder` from now on. One pipelined round trip. Returns the
 * messages a home held without a recipient (field → home), which it must hand over.
 */
export async function registerAll(
  redis: RedisClient,
  keys: RedisKeys,
  topic: string,
  registrations: Map<string, number>,
  holder: number,
): Promise<[string, number][]> {
  if (registrations.size === 0) return [];
  const byHome = new Map<number, string[]>();
  for (const [field, home] of registrations) {
    const list = byHome.get(home);
    if (list) list.push(field);
    else byHome.set(home, [field]);
  }
  const homes = [...byHome];
  const res = await batch(
    scripted(redis),
    homes.map(([home, fields]) => {
      const k = keys.partition(topic, home);
      return [
        k.directory,
        (c) =>
          as(c).tallyRegister(
            '3',
            k.directory,
            k.anonymous,
            epochKeyFor(redis, keys, k.directory),
            String(holder),
            ...fields,
          ),
      ];
    }),
  );
  const held: [string, number][] = [];
  res.forEach((v, i) => {
    const home = homes[i]?.[0];
    const [status, ...fields] = v as string[];
    if (status !== 'ok') throw new StateLostError(`registration on partition ${home}`);
    if (home !== undefined) for (const f of fields) held.push([f, home]);
  });
  return held;
}

/** After a sweep: directory entries of messages retired here (a leftover entry is harmless). */
export async function forgetDirectory(
  redis: RedisClient,
  keys: RedisKeys,
  topic: string,
  entries: { home: number; field: string }[],
): Promise<void> {
  if (entries.length === 0) return;
  await batch(
    redis,
    entries.map((e) => {
      const dir = keys.partition(topic, e.home).directory;
      return [dir, (c) => c.hdel(dir, e.field)];
    }),
  );
}

/**
 * Applies scope writes, each fenced by (partition field, offset); one pipelined round trip (a
 * Cluster: one pipeline per scope slot, all in flight at once). Throws StateLostError when a
 * scope's slot lost its data (the writes are kept in the outbox and repeated after the rebuild).
 */
export async function writeScopes(
  redis: RedisClient,
  keys: RedisKeys,
  field: string,
  offset: number,
  writes: ScopeWrite[],
): Promise<void> {
  if (writes.length === 0) return;
  const res = await batch(
    scripted(redis),
    writes.map((w) => {
      const first = w.keys[0] ?? '';
      const epoch = epochKeyFor(redis, keys, first);
      return [
        first,
        (c) =>
          as(c).tallyScopeWrite(
            String(w.keys.length + 1),
            ...w.keys,
            epoch,
            field,
            String(offset),
            ...w.args,
          ),
      ];
    }),
  );
  res.forEach((r, i) => {
    if (r === 'lost') throw new StateLostError(`scope ${writes[i]?.tag ?? ''}`);
  });
}
