/**
 * Redis I/O of one partition's state: meta, record reads (one pipelined round per call), the
 * atomic commit and the fenced scope writes. No state logic here: see applier.ts.
 */
import type { ChainableCommander } from 'ioredis';
import { batch, type RedisClient } from '@tally/redis';
import type { PartitionKeys, RedisKeys } from '../keys.ts';
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

export async function readOutbox(redis: RedisClient, k: PartitionKeys): Promise<Outbox | undefined> {
  const s = await redis.get(k.outbox);
  return s ? (JSON.parse(s) as Outbox) : undefined;
}

/** Recipients whose recipient_state row is due (an empty row in the dirty values), on a load. */
export async function dueAudience(redis: RedisClient, k: PartitionKeys): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(k.dirty, cursor, 'MATCH', 'a *', 'COUNT', 1000);
    cursor = next;
    for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i + 1] === '') out.push((flat[i] ?? '').slice(2));
  } while (cursor !== '0');
  return out;
}

/** HMGET of several hashes in one round trip: key → fields → value (null when absent). */
export async function readFields(
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
  /** "+field" holds a message here without a recipient, "-field" releases it. */
  anonymous: string[];
  /** Audience rows (recipient field → JSON) for the next snapshot only (never kept in state). */
  audience?: [string, string][];
}

export type CommitResult = { status: 'ok' } | { status: 'lost' } | { status: 'conflict'; next: number };

export async function commit(redis: RedisClient, k: PartitionKeys, c: CommitInput): Promise<CommitResult> {
  const flat = (pairs: [string, string][]) => [String(pairs.length), ...pairs.flat()];
  const res = await scripted(redis).tallyCommit(
    '9',
    k.meta,
    k.recipients,
    k.messages,
    k.loose,
    k.tombstones,
    k.outbox,
    k.dirty,
    k.dirtyScopes,
    k.anonymous,
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
    String(c.anonymous.length),
    ...c.anonymous,
    String(c.audience?.length ?? 0),
    ...(c.audience ?? []).flat(),
  );
  const [status, arg = ''] = res;
  if (status === 'ok' || status === 'lost') return { status };
  if (status === 'conflict') return { status, next: Number(arg) };
  throw new Error(`commit script answered ${status}`);
}

/**
 * Claims the messages this partition is about to hold without a recipient (CLAIM_LUA, on its own
 * slot). Returns those its directory names already (field → the partition keeping them).
 */
export async function claimHolds(
  redis: RedisClient,
  k: PartitionKeys,
  fields: string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (fields.length === 0) return out;
  const res = await scripted(redis).tallyClaim('2', k.directory, k.anonymous, ...fields);
  for (let i = 0; i + 1 < res.length; i += 2) out.set(res[i] ?? '', Number(res[i + 1]));
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
        (c) => as(c).tallyRegister('2', k.directory, k.anonymous, String(holder), ...fields),
      ];
    }),
  );
  const held: [string, number][] = [];
  res.forEach((v, i) => {
    const home = homes[i]?.[0];
    if (home !== undefined) for (const f of v as string[]) held.push([f, home]);
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

/** Applies scope writes, each fenced by (partition field, offset); one pipelined round trip
 * (a Cluster: one pipeline per scope slot, all in flight at once). */
export async function writeScopes(
  redis: RedisClient,
  field: string,
  offset: number,
  writes: ScopeWrite[],
): Promise<void> {
  if (writes.length === 0) return;
  await batch(
    scripted(redis),
    writes.map((w) => [
      w.keys[0] ?? '',
      (c) => as(c).tallyScopeWrite(String(w.keys.length), ...w.keys, field, String(offset), ...w.args),
    ]),
  );
}
