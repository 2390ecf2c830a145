/**
 * Whole-state operations on the Redis side: the consistent snapshot cut, the restore of a cut,
 * the epoch marker that tells a whole state from a lost one, and the sweep of parked receipts.
 * See apply.ts for why a cut plus replay from its offsets is exact.
 */
import type { Redis } from 'ioredis';
import { LUA_KEYS, type RedisKeys } from './keys.ts';

/**
 * Atomically takes the set of keys written since the last cut and returns each key's DUMP, its
 * remaining TTL, and — for the kinds kept readable in Postgres — its fields. The set moves to
 * `P:dirty:inflight` until the caller confirms the cut is stored (a failed or crashed attempt is
 * merged into the next one). Returns nil while the state is not whole (epoch missing).
 */
const CUT_LUA = `local P = ARGV[1]
${LUA_KEYS}
if redis.call('EXISTS', K.epoch) == 0 then return false end
if redis.call('EXISTS', K.inflight) == 1 then
  if redis.call('EXISTS', K.dirty) == 1 then
    redis.call('SUNIONSTORE', K.inflight, K.inflight, K.dirty)
    redis.call('DEL', K.dirty)
  end
elseif redis.call('EXISTS', K.dirty) == 1 then
  redis.call('RENAME', K.dirty, K.inflight)
else
  return {}
end
local out = {}
for _, k in ipairs(redis.call('SMEMBERS', K.inflight)) do
  local d = redis.call('DUMP', k)
  if d then
    local fields = {}
    if redis.call('TYPE', k).ok == 'hash' and (string.find(k, '^' .. P .. ':r:{') or string.find(k, ':counts$')
      or string.find(k, ':money$') or string.find(k, ':meta$') or string.find(k, ':w:%d+$') or k == K.offsets) then
      fields = redis.call('HGETALL', k)
    end
    out[#out + 1] = { k, redis.call('PTTL', k), d, fields }
  else
    out[#out + 1] = { k, -2, '', {} }
  end
end
return out`;

const CONFIRM_LUA = `local P = ARGV[1]
${LUA_KEYS}
if ARGV[2] == 'ok' then return redis.call('DEL', K.inflight) end
if redis.call('EXISTS', K.inflight) == 1 then
  redis.call('SUNIONSTORE', K.dirty, K.dirty, K.inflight)
  redis.call('DEL', K.inflight)
end
return 0`;

/** Counts receipts parked longer than the cutoff under the tenant's `parked_receipts`. */
const SWEEP_LUA = `local P = ARGV[1]
${LUA_KEYS}
if redis.call('EXISTS', K.epoch) == 0 then return 0 end
local n = 0
for _, member in ipairs(redis.call('ZRANGEBYSCORE', K.parked, '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))) do
  local t, m = string.match(member, '^([^%z]*)%z(.*)$')
  local mk = K.message(t, m)
  if redis.call('HEXISTS', mk, 'c') == 0 and redis.call('HSETNX', mk, 'u', 1) == 1 then
    redis.call('HINCRBY', K.unattributed(t), 'parked_receipts', 1)
    redis.call('SADD', K.dirty, mk, K.unattributed(t))
    n = n + 1
  end
  redis.call('ZREM', K.parked, member)
end
redis.call('SADD', K.dirty, K.parked)
return n`;

export interface CutEntry {
  key: string;
  /** Remaining TTL in ms; -1 = none; -2 = the key is gone. */
  pttl: number;
  dump: Buffer;
  fields: Record<string, string>;
}

type Scripts = Redis & {
  tallyCutBuffer(prefix: string): Promise<[Buffer, number, Buffer, Buffer[]][] | null>;
  tallyConfirm(prefix: string, outcome: string): Promise<number>;
  tallySweep(prefix: string, cutoff: number, limit: number): Promise<number>;
};

function scripts(redis: Redis): Scripts {
  const r = redis as Scripts;
  if (typeof r.tallyCutBuffer !== 'function') {
    redis.defineCommand('tallyCut', { numberOfKeys: 0, lua: CUT_LUA });
    redis.defineCommand('tallyConfirm', { numberOfKeys: 0, lua: CONFIRM_LUA });
    redis.defineCommand('tallySweep', { numberOfKeys: 0, lua: SWEEP_LUA });
  }
  return r;
}

/** The cut, or undefined while the state is not whole. */
export async function takeCut(redis: Redis, keys: RedisKeys): Promise<CutEntry[] | undefined> {
  const raw = await scripts(redis).tallyCutBuffer(keys.prefix);
  if (raw === null) return undefined;
  return raw.map(([key, pttl, dump, fields]) => {
    const f: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) f[String(fields[i])] = String(fields[i + 1]);
    return { key: key.toString('utf8'), pttl: Number(pttl), dump, fields: f };
  });
}

/** Tells Redis whether the last cut was stored: dropped if so, merged back into dirty if not. */
export async function confirmCut(redis: Redis, keys: RedisKeys, stored: boolean): Promise<void> {
  await scripts(redis).tallyConfirm(keys.prefix, stored ? 'ok' : 'failed');
}

export async function sweepParked(
  redis: Redis,
  keys: RedisKeys,
  cutoffMs: number,
  limit = 1000,
): Promise<number> {
  return scripts(redis).tallySweep(keys.prefix, cutoffMs, limit);
}

export async function readEpoch(redis: Redis, keys: RedisKeys): Promise<string | null> {
  return redis.get(keys.epoch());
}

/** Deletes every key under the prefix (SCAN + UNLINK); used before a restore. */
export async function deleteAll(redis: Redis, keys: RedisKeys): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', keys.all(), 'COUNT', 1000);
    cursor = next;
    if (found.length > 0) n += await redis.unlink(...found);
  } while (cursor !== '0');
  return n;
}

export interface StoredKey {
  key: string;
  value: Buffer;
  /** Absolute expiry in ms, or null. */
  expireAt: number | null;
}

/** Restores keys from a cut; keys already expired are skipped. One pipeline per call. */
export async function restoreKeys(redis: Redis, rows: StoredKey[], now: number): Promise<number> {
  const pipe = redis.pipeline();
  let n = 0;
  for (const row of rows) {
    if (row.expireAt !== null && row.expireAt <= now + 1) continue;
    pipe.restore(row.key, row.expireAt === null ? 0 : row.expireAt, row.value, 'REPLACE', 'ABSTTL');
    n += 1;
  }
  const res = (await pipe.exec()) ?? [];
  const failed = res.find(([err]) => err);
  if (failed?.[0]) throw failed[0];
  return n;
}

export async function setEpoch(redis: Redis, keys: RedisKeys, epoch: string): Promise<void> {
  await redis.set(keys.epoch(), epoch);
}
