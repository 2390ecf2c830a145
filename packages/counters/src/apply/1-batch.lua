-- Applies one Kafka batch (one partition) to the state in one atomic step; see apply.ts for the
-- exactly-once argument. The script is this directory's files in name order, one chunk, behind
-- the key functions K.* of keys.ts. This part: arguments, the per-batch write-back, minute
-- buckets, the campaign registry, per-event effects. ARGV:
--  1 prefix (used by K), 2 message TTL s, 3 dedupe TTL s, 4 recipient TTL s, 5 minute-bucket TTL s,
--  6 now ms, 7 offsets field "<topic>:<partition>", 8 first offset, 9 last offset, 10 allow gap 0/1,
--  11 tenant windows JSON {tenant: [replyMs, clickMs, deliveredMs]}, 12.. compact events (apply.ts).
-- Returns {'ok', applied, duplicates, parked, unattributed, skipped} | {'lost'} | {'seek', offset}.
local MSG_TTL, DEDUPE_TTL, RCPT_TTL, MIN_TTL = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local NOW, OFF_FIELD, FIRST, LAST, ALLOW_GAP = tonumber(ARGV[6]), ARGV[7], tonumber(ARGV[8]), tonumber(ARGV[9]), ARGV[10] == '1'
local WINDOWS = cjson.decode(ARGV[11])
local DEFAULT_WINDOWS = { 72 * 3600000, 5 * 86400000, 86400000 }
local band, bor, bnot = bit.band, bit.bor, bit.bnot
local SENT, DELIVERED, FAILED, OPENED, CLICKED, REPLIED, CONVERTED = 1, 2, 4, 8, 16, 32, 64
local FLAGS = { {SENT, 'sent'}, {DELIVERED, 'delivered'}, {FAILED, 'failed'}, {OPENED, 'opened'},
  {CLICKED, 'clicked'}, {REPLIED, 'replied'}, {CONVERTED, 'converted'} }
local SEP = '\0'
local LOG_BASE = math.log(1.05)
local DAY = 86400000

if redis.call('EXISTS', K.epoch) == 0 then return { 'lost' } end
local next_offset = tonumber(redis.call('HGET', K.offsets, OFF_FIELD) or '0')
if FIRST > next_offset and not ALLOW_GAP then return { 'seek', string.format('%d', next_offset) } end

local touched, expiring, campaigns_seen = {}, {}, {}
local function W(key) touched[key] = true return key end

-- Per-batch write-back: counter increments are summed and written once per field at the end
-- (nothing in the script reads them back), message and recipient hashes are read once, changed in
-- memory and written once. The script is atomic, so nobody sees the difference.
local increments, tuple_ids = {}, {}
local function INCR(key, field, n)
  local h = increments[key]
  if not h then h = {} increments[key] = h W(key) end
  h[field] = (h[field] or 0) + n
end

local recipients = {}
local function rentry(rk)
  local e = recipients[rk]
  if not e then e = { v = {}, d = {} } recipients[rk] = e end
  return e
end
-- A recipient hash is small: the first read loads all of it.
local function rget(rk, f)
  local e = rentry(rk)
  if not e.loaded then
    local all = redis.call('HGETALL', rk)
    for j = 1, #all, 2 do
      if not e.d[all[j]] then e.v[all[j]] = all[j + 1] end
    end
    e.loaded = true
  end
  return e.v[f]
end
local function rset(rk, f, v)
  local e = rentry(rk)
  e.v[f] = tostring(v)
  e.d[f] = true
end

local function minute_of(ms) return math.floor(ms / 60000) end

-- Newest minute with counts per scope ("c:<campaign>" / "s:<sender>"), written once per batch.
local active = {}
local function mark_active(t, member, m)
  local a = active[t]
  if not a then a = {} active[t] = a end
  if not a[member] or m > a[member] then a[member] = m end
end

-- Adds to a minute-bucket key while it is still kept (late events beyond its TTL only reach lifetime).
local function minute_add(key_of, t, id, ms, field, n, member)
  local m = minute_of(ms)
  local expires = (m + 1) * 60 + MIN_TTL
  if expires * 1000 <= NOW then return end
  local key = key_of(t, id, m)
  INCR(key, field, n)
  expiring[key] = expires
  mark_active(t, member, m)
end

local function bucket_add(t, c, ms, field, n) minute_add(K.minute, t, c, ms, field, n, 'c:' .. c) end

-- The sender scope of alerts (SPEC §7: opt-out spikes per sending number across campaigns).
local SENDER_FLAGS = { sent = true, delivered = true, failed = true }
local function sender_add(t, s, ms, field, n)
  if s then minute_add(K.sminute, t, s, ms, field, n, 's:' .. s) end
end

local function flush_active()
  for t, members in pairs(active) do
    local args = {}
    for member, m in pairs(members) do args[#args + 1] = m args[#args + 1] = member end
    local zk = W(K.active(t))
    redis.call('ZADD', zk, 'GT', unpack(args))
    -- Scopes quiet for two days leave the index (their buckets have expired by then).
    redis.call('ZREMRANGEBYSCORE', zk, '-inf', '(' .. (minute_of(NOW) - 2880))
  end
end

-- Registers the campaign with the tenant once per batch (first event time, channel): see flush.
local function touch_campaign(e, c)
  local id = e.t .. SEP .. c
  local seen = campaigns_seen[id]
  if not seen then campaigns_seen[id] = { e.t, c, e.a, e.h }
  elseif e.a < seen[3] then seen[3] = e.a end
end

local function flush_campaigns()
  for _, v in pairs(campaigns_seen) do
    local t, c, a, h = v[1], v[2], v[3], v[4]
    local zk = W(K.campaigns(t))
    if redis.call('ZADD', zk, 'NX', a, c) == 1 then
      redis.call('HSET', W(K.meta(t, c)), 'channel', h, 'firstAt', a)
    else
      redis.call('ZADD', zk, 'LT', a, c)
    end
  end
end

-- Effects are {store, field, n}: store is 'counts', 'money' or 'w' (the event's minute bucket).
local function apply_effect(t, c, store, field, n, at)
  if store == 'w' then bucket_add(t, c, at, field, n)
  else INCR(K.tag(t, c) .. ':' .. store, field, n) end
end

local function event_effects(e)
  local fx = {}
  if e.n then
    fx[#fx + 1] = { 'counts', e.n, 1 }
    fx[#fx + 1] = { 'w', e.n, 1 }
  end
  if e.mc then
    fx[#fx + 1] = { 'money', e.mk .. ':' .. e.mc, e.mu }
    fx[#fx + 1] = { 'w', e.mk .. ':' .. e.mc, e.mu }
  end
  if e.sc then
    fx[#fx + 1] = { 'counts', 'scoreSum', e.sc }
    fx[#fx + 1] = { 'w', 'scoreSum', e.sc }
  end
  return fx
end

local function has_effects(e) return e.n or e.mc or e.sc end
