/**
 * The Lua scripts of the state, each on one hash slot (a partition's `{p}` or a scope's tag) with
 * every key declared in KEYS, so they run unchanged on Redis Cluster. They spell no key and know
 * no status bit: the TypeScript side computes what to write (state/*), the scripts only make the
 * write atomic and fenced.
 */

/**
 * Commits one batch (or retirement sweep) of a partition, atomically.
 * KEYS: meta, recipients, messages, loose, tombstones, outbox, dirty values, dirty scopes,
 * anonymous, the slot's epoch (epoch.ts). ARGV: expected next offset, new next offset, stream time, outbox ("" =
 * keep), expected version, then six sections, each a count and its items: records of
 * recipients, messages, loose events, tombstones (field, value; "" deletes), dirty scope ids, and
 * anonymous holds ("+field" marks a message held, as CLAIM_LUA claimed it before the batch;
 * "-field" releases it), and audience rows for the next snapshot only (field, row: into the dirty values
 * as "a field").
 * The version (meta `v`) counts commits: a sweep or an audience flush commits without moving the
 * offset, so the offset alone would not tell a stale owner that another one wrote since it read.
 * Returns {'ok'} | {'lost'} (the state is not whole) | {'conflict', next} (another writer moved
 * the partition, or committed at its offset: a stale owner).
 */
export const COMMIT_LUA = `
if redis.call('EXISTS', KEYS[10]) == 0 or redis.call('HEXISTS', KEYS[1], 'epoch') == 0 then return {'lost'} end
local cur = redis.call('HGET', KEYS[1], 'next') or '0'
if cur ~= ARGV[1] or (redis.call('HGET', KEYS[1], 'v') or '0') ~= ARGV[5] then return {'conflict', cur} end
local i = 6
local function count() local n = tonumber(ARGV[i]) i = i + 1 return n end
local sections = {}
for s = 1, 7 do
  local n = count()
  sections[s] = { i, n }
  if s <= 4 or s == 7 then i = i + 2 * n else i = i + n end
end
local anon = sections[6]
local kinds = { 'r', 'm', 'e', 'x' }
for s = 1, 4 do
  local key, first, n = KEYS[s + 1], sections[s][1], sections[s][2]
  for j = first, first + 2 * n - 1, 2 do
    if ARGV[j + 1] == '' then redis.call('HDEL', key, ARGV[j]) else redis.call('HSET', key, ARGV[j], ARGV[j + 1]) end
    redis.call('HSET', KEYS[7], kinds[s] .. ' ' .. ARGV[j], ARGV[j + 1])
  end
end
local ds = sections[5]
for j = ds[1], ds[1] + ds[2] - 1 do redis.call('HINCRBY', KEYS[8], ARGV[j], 1) end
for j = anon[1], anon[1] + anon[2] - 1 do
  local f = string.sub(ARGV[j], 2)
  if string.sub(ARGV[j], 1, 1) == '+' then redis.call('HSET', KEYS[9], f, '1') else redis.call('HDEL', KEYS[9], f) end
end
local aud = sections[7]
for j = aud[1], aud[1] + 2 * aud[2] - 1, 2 do redis.call('HSET', KEYS[7], 'a ' .. ARGV[j], ARGV[j + 1]) end
redis.call('HSET', KEYS[1], 'next', ARGV[2], 'stream', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'v', 1)
if ARGV[4] ~= '' then redis.call('SET', KEYS[6], ARGV[4]) end
return {'ok'}
`;

/**
 * Applies one batch's deltas to one scope, once: skipped when the scope's fence says the
 * partition's batch ending at that offset (or a later one) is already in.
 * KEYS: fence, touched, then the keys the ops name (by index, 3 = first), and last the slot's
 * epoch (epoch.ts: missing = this master lost its data, nothing is written).
 * ARGV: fence field ("<topic>:<n>"), offset, then ops of four: op, key index, a, b:
 *   i  HINCRBY key a b (field removed when it reaches 0)
 *   m  money: HINCRBY key a b, carrying whole 10^15 into field a..':hi' (|b| ≤ 10^15, so every
 *      intermediate stays exact in Lua's doubles); removed when it sums to 0
 *   h  HSET key a b          f  first event: HSET key firstAt a channel b when (a, b) is earlier
 *   zl ZADD key LT a b        zg ZADD key GT a b        zt ZREMRANGEBYSCORE key -inf (a
 *   x  EXPIREAT key a
 * Returns 'ok' | 'skip' | 'lost'.
 */
export const SCOPE_WRITE_LUA = `
if redis.call('EXISTS', KEYS[#KEYS]) == 0 then return 'lost' end
local fence = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
if fence >= tonumber(ARGV[2]) then return 'skip' end
local E = 1000000000000000
for j = 3, #ARGV, 4 do
  local op, k, a, b = ARGV[j], KEYS[tonumber(ARGV[j + 1])], ARGV[j + 2], ARGV[j + 3]
  if op == 'i' then
    if redis.call('HINCRBY', k, a, b) == 0 then redis.call('HDEL', k, a) end
  elseif op == 'm' then
    local v = redis.call('HINCRBY', k, a, b)
    if v == 0 and redis.call('HEXISTS', k, a .. ':hi') == 0 then redis.call('HDEL', k, a) end
    if v >= E or v <= -E then
      local c = math.floor(v / E)
      redis.call('HINCRBY', k, a .. ':hi', string.format('%d', c))
      redis.call('HINCRBY', k, a, string.format('%d', -c * E))
    end
  elseif op == 'h' then redis.call('HSET', k, a, b)
  elseif op == 'f' then
    local cur = redis.call('HMGET', k, 'firstAt', 'channel')
    local t, ct = tonumber(a), tonumber(cur[1] or '')
    if not ct or t < ct or (t == ct and b < (cur[2] or '')) then redis.call('HSET', k, 'firstAt', a, 'channel', b) end
  elseif op == 'zl' then redis.call('ZADD', k, 'LT', a, b)
  elseif op == 'zg' then redis.call('ZADD', k, 'GT', a, b)
  elseif op == 'zt' then redis.call('ZREMRANGEBYSCORE', k, '-inf', '(' .. a)
  elseif op == 'x' then redis.call('EXPIREAT', k, a)
  end
  if op ~= 'zt' then redis.call('HINCRBY', KEYS[2], k, 1) end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[2], KEYS[1], 1)
return 'ok'
`;

/**
 * Takes a partition's consistent cut for a snapshot, in O(1): the records written since the last
 * cut are already collected, with their values, in the dirty-values hash (the commit writes them
 * there too); it is renamed to `<cut prefix><n>` for the snapshotter to read at leisure, beside
 * the meta and the outbox of the same instant. Cuts of earlier attempts that were not stored are
 * still there (numbers `from`..n-1) and are stored first.
 * KEYS: meta, outbox, dirty values, dirty scopes. ARGV: cut key prefix.
 * Returns {meta pairs, outbox, from, n, scope pairs}.
 */
export const PARTITION_CUT_LUA = `
local n = redis.call('HINCRBY', KEYS[1], 'cutseq', 1)
local from = tonumber(redis.call('HGET', KEYS[1], 'cutdone') or '1')
if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('RENAME', KEYS[3], ARGV[1] .. n) end
return { redis.call('HGETALL', KEYS[1]), redis.call('GET', KEYS[2]) or '', from, n, redis.call('HGETALL', KEYS[4]) }
`;

/**
 * After a snapshot is stored: drops the cuts it stored and forgets scope counters that have not
 * moved since. KEYS: meta, dirty scopes. ARGV: cut key prefix, first, last cut number, then
 * (scope, count) pairs.
 */
export const PARTITION_CLEAN_LUA = `
for c = tonumber(ARGV[2]), tonumber(ARGV[3]) do redis.call('UNLINK', ARGV[1] .. c) end
redis.call('HSET', KEYS[1], 'cutdone', tonumber(ARGV[3]) + 1)
for j = 4, #ARGV, 2 do
  if redis.call('HGET', KEYS[2], ARGV[j]) == ARGV[j + 1] then redis.call('HDEL', KEYS[2], ARGV[j]) end
end
return 'ok'
`;

/**
 * Reads a scope's touched keys for a snapshot: per touched key (the fence among them) its touch
 * count, DUMP ('' when gone), remaining TTL and, for hashes, the fields (readable copies).
 * KEYS: fence, touched.
 */
export const SCOPE_CUT_LUA = `
local out = {}
local touched = redis.call('HGETALL', KEYS[2])
for j = 1, #touched, 2 do
  local k = touched[j]
  local fields = {}
  if redis.call('TYPE', k).ok == 'hash' then fields = redis.call('HGETALL', k) end
  out[#out + 1] = { k, touched[j + 1], redis.call('DUMP', k) or '', redis.call('PTTL', k), fields }
end
return out
`;

/** Forgets touched keys that were not written again since the cut. KEYS: touched. ARGV: pairs. */
export const SCOPE_CLEAN_LUA = `
for j = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[j]) == ARGV[j + 1] then redis.call('HDEL', KEYS[1], ARGV[j]) end
end
return 'ok'
`;

/**
 * The home's side of "forward or hand over", before a batch is folded: claims the messages it is
 * about to hold without a recipient, unless one is in the directory already (registered by its
 * recipient's partition), which the batch then forwards to. KEYS: directory, anonymous, the slot's
 * epoch. ARGV: the message fields. Returns 'ok' then the registered ones as (field, partition)
 * pairs, or {'lost'}.
 */
export const CLAIM_LUA = `
if redis.call('EXISTS', KEYS[3]) == 0 then return {'lost'} end
local out = {'ok'}
for j = 1, #ARGV do
  local at = redis.call('HGET', KEYS[1], ARGV[j])
  if at then
    out[#out + 1] = ARGV[j]
    out[#out + 1] = at
  else
    redis.call('HSET', KEYS[2], ARGV[j], '1')
  end
end
return out
`;

/**
 * The recipient partition's side: directory entries of messages kept in another partition
 * (`holder`), and which of them the home claimed to hold without a recipient (so it must hand
 * them over). KEYS: directory, anonymous, the slot's epoch. ARGV: holder, then the message
 * fields. Returns 'ok' then the fields held, or {'lost'}.
 */
export const REGISTER_LUA = `
if redis.call('EXISTS', KEYS[3]) == 0 then return {'lost'} end
local held = {'ok'}
for j = 2, #ARGV do
  redis.call('HSET', KEYS[1], ARGV[j], ARGV[1])
  if redis.call('HEXISTS', KEYS[2], ARGV[j]) == 1 then held[#held + 1] = ARGV[j] end
end
return held
`;
