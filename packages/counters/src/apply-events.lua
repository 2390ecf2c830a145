-- Applies one Kafka batch (one partition) to the state in one atomic step; see apply.ts for the
-- exactly-once argument. Key functions K.* come from keys.ts (prepended). ARGV:
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

-- ---------------------------------------------------------------- recipient state
local function window_of(t, i) local w = WINDOWS[t] return (w and w[i]) or DEFAULT_WINDOWS[i] end

-- Keeps the 3 latest "time|campaign|message" entries of a recipient list field.
local function remember(rk, field, at, c, m)
  local cur = rget(rk, field)
  local items = { { at, c, m } }
  if cur then
    for a, cc, mm in string.gmatch(cur, '(%d+)|([^|;]*)|([^;]*)') do
      if mm ~= m then items[#items + 1] = { tonumber(a), cc, mm } end
    end
  end
  table.sort(items, function(x, y) return x[1] > y[1] end)
  local out = {}
  for i = 1, math.min(3, #items) do out[i] = string.format('%d|%s|%s', items[i][1], items[i][2], items[i][3]) end
  rset(rk, field, table.concat(out, ';'))
end

-- The latest entry at or before `at` and within `win` ms of it: campaign, message.
local function recall(rk, field, at, win)
  local cur = rget(rk, field)
  if not cur then return nil end
  for a, c, m in string.gmatch(cur, '(%d+)|([^|;]*)|([^;]*)') do
    local ta = tonumber(a)
    if ta <= at and at - ta <= win then return c, m end
  end
  return nil
end

local function max_field(rk, field, at)
  local cur = tonumber(rget(rk, field) or '-1')
  if at > cur then rset(rk, field, string.format('%d', at)) end
end

-- Messages received per UTC day: "day:n;…" oldest first, days older than the recipient TTL
-- (counted back from the newest day kept) dropped. Audience queries sum the days of a period.
local RCPT_DAYS = math.ceil(RCPT_TTL / 86400) + 1
local function count_day(rk, field, at)
  local day = math.floor(at / DAY)
  local items, newest, found = {}, day, false
  for d, n in string.gmatch(rget(rk, field) or '', '(%d+):(%d+)') do
    d, n = tonumber(d), tonumber(n)
    if d == day then n, found = n + 1, true end
    items[#items + 1] = { d, n }
    if d > newest then newest = d end
  end
  if not found then items[#items + 1] = { day, 1 } end
  table.sort(items, function(x, y) return x[1] < y[1] end)
  local out = {}
  for _, it in ipairs(items) do
    if it[1] > newest - RCPT_DAYS then out[#out + 1] = string.format('%d:%d', it[1], it[2]) end
  end
  rset(rk, field, table.concat(out, ';'))
end

local function add_field(rk, field, n)
  rset(rk, field, string.format('%d', (tonumber(rget(rk, field)) or 0) + n))
end

-- Per recipient and channel: conversions (cv:<channel>) and their revenue per currency
-- (cr:<channel>:<CUR>, ten-thousandths), for value per converting recipient and repeat rate.
local function note_conversion(rk, h, count, currency, units)
  if count ~= 0 then add_field(rk, 'cv:' .. h, count) end
  if currency and units ~= 0 then add_field(rk, 'cr:' .. h .. ':' .. currency, units) end
end

local ENGAGING = { opened = true, clicked = true, replied = true }

-- Last open/click/reply (le) and last reply (lrp) of a recipient.
local function note_engagement(rk, e)
  if ENGAGING[e.y] then max_field(rk, 'le', e.a) end
  if e.y == 'replied' then max_field(rk, 'lrp', e.a) end
end

-- ---------------------------------------------------------------- message state
local function effective(bits)
  if band(bits, DELIVERED) ~= 0 then return band(bits, bnot(FAILED)) end
  return bits
end

local function intern_dims(t, c, e)
  local tuple = table.concat({ e.h, e.dg or '', e.dv or '', e.ds or '', e.dc or '',
    tostring(math.floor(e.a / 3600000) % 24), tostring((math.floor(e.a / DAY) + 4) % 7) }, SEP)
  local dk = K.dims(t, c)
  local cached = tuple_ids[dk .. SEP .. tuple]
  if cached then return cached end
  local id = redis.call('HGET', dk, 'i:' .. tuple)
  if not id then
    id = tostring(redis.call('HINCRBY', W(dk), '#', 1))
    redis.call('HSET', dk, 'i:' .. tuple, id, 's:' .. id, tuple)
  end
  tuple_ids[dk .. SEP .. tuple] = id
  return id
end

-- The event time a status change counts at in minute buckets: the message's first send, first
-- delivery, first reply or latest click for those, the time it was counted failed (st.fm) for
-- failed, else the event's time. Statuses applied late (parked until the campaign was known, or
-- reached before the send gave the tuple) so count at the time they happened where it is kept.
local function flag_time(flag, st, at)
  if flag == SENT then return st.ts or at end
  if flag == DELIVERED then return st.td or at end
  if flag == FAILED then return st.fm or at end
  if flag == REPLIED then return st.tr or at end
  if flag == CLICKED then return st.tc or at end
  return at
end

-- Moves the campaign's counts (lifetime, minute buckets, breakdowns) from `from` bits to `to` bits.
local function move_counts(t, c, st, from, to, at)
  for _, f in ipairs(FLAGS) do
    local was, now = band(from, f[1]) ~= 0, band(to, f[1]) ~= 0
    if was ~= now then
      local n = now and 1 or -1
      INCR(K.counts(t, c), f[2], n)
      if f[1] == FAILED and now then st.fm = at end
      local when = flag_time(f[1], st, at)
      if now and not st.d then st.pw = (st.pw and st.pw .. ';' or '') .. f[1] .. ':' .. when end
      bucket_add(t, c, when, f[2], n)
      if SENDER_FLAGS[f[2]] then sender_add(t, st.sn, when, f[2], n) end
      if f[1] == FAILED then
        if now then st.ecc = st.ec or 'none' end
        INCR(K.breakdown(t, c, 'error_code'), (st.ecc or 'none') .. SEP .. 'failed', n)
        minute_add(K.werr, t, c, when, st.ecc or 'none', n, 'c:' .. c)
        if st.sn then minute_add(K.swerr, t, st.sn, when, st.ecc or 'none', n, 's:' .. st.sn) end
      end
    end
  end
end

-- Breakdowns count per interned send tuple (one field per tuple and status); readers expand the
-- tuple into its dimensions (read.ts), so a status change costs one write, not one per dimension.
-- The same change goes to the tuple's minute bucket (filtered rolling windows) at the time the
-- campaign's minute bucket counted it: statuses counted before the send gave the tuple left that
-- time in st.pw ("bit:ms;…"), which the catch-up uses and clears.
local function move_breakdown(t, c, st, id, from, to, at)
  local pending = {}
  for bit, ms in string.gmatch(st.pw or '', '(%d+):(%d+)') do pending[tonumber(bit)] = tonumber(ms) end
  for _, f in ipairs(FLAGS) do
    local was, now = band(from, f[1]) ~= 0, band(to, f[1]) ~= 0
    if was ~= now then
      local n = now and 1 or -1
      INCR(K.tuples(t, c), id .. SEP .. f[2], n)
      local when = (now and pending[f[1]]) or flag_time(f[1], st, at)
      minute_add(K.wtuple, t, c, when, id .. SEP .. f[2], n, 'c:' .. c)
    end
  end
  if st.pw then st.pw, st.pw_done = nil, true end
end

local function bucket_of(ms)
  if ms < 1 then return -1 end
  return math.floor(math.log(ms) / LOG_BASE)
end

-- Response time: first reply − delivery (send if no delivery), re-bucketed if either end moves.
local function sync_response_time(t, c, st)
  local ref = st.td or st.ts
  if not (st.tr and ref) then return end
  local b = tostring(bucket_of(math.max(0, st.tr - ref)))
  if b == st.rb then return end
  local hk = K.rt(t, c)
  if st.rb then INCR(hk, st.rb, -1) end
  INCR(hk, b, 1)
  st.rb = b
end

-- WhatsApp engagement: last − first inbound within 24 h of the send; campaign keeps sum and count.
local function sync_engagement(t, c, st)
  if not (st.fi and st.li) then return end
  local d = st.li - st.fi
  local old = tonumber(st.ed)
  if old == d then return end
  local ck = K.counts(t, c)
  if old then INCR(ck, 'engSum', d - old)
  else
    INCR(ck, 'engSum', d)
    INCR(ck, 'engN', 1)
  end
  st.ed = d
end

local MSG_FIELDS = { 'c', 's', 'k', 'bk', 'r', 'd', 'ts', 'td', 'tr', 'fi', 'li', 'ed', 'rb', 'ec', 'ecc', 'fm', 'tc', 'u', 'rn', 'op', 'sn', 'pw' }
local NUMERIC = { s = true, k = true, bk = true, ts = true, td = true, tr = true, fi = true, li = true, fm = true, tc = true }

local function load_message(mk)
  local vals = redis.call('HMGET', mk, unpack(MSG_FIELDS))
  local st = {}
  for i, f in ipairs(MSG_FIELDS) do
    local v = vals[i]
    if v then st[f] = NUMERIC[f] and tonumber(v) or v end
  end
  st.s, st.k, st.bk = st.s or 0, st.k or 0, st.bk or 0
  return st
end

local messages = {}
local function get_message(mk)
  local st = messages[mk]
  if not st then st = load_message(mk) messages[mk] = st end
  return st
end

local function save_message(mk, st)
  local args = {}
  for _, f in ipairs(MSG_FIELDS) do
    if st[f] ~= nil then args[#args + 1] = f args[#args + 1] = tostring(st[f]) end
  end
  redis.call('HSET', mk, unpack(args))
  if st.pw_done then redis.call('HDEL', mk, 'pw') end
  redis.call('EXPIRE', mk, MSG_TTL)
end

local function min_of(a, b) if a == nil or b < a then return b end return a end
local function max_of(a, b) if a == nil or b > a then return b end return a end

-- Records what the event says about the message's timeline.
local function note_times(st, e)
  if e.y == 'sent' then st.ts = min_of(st.ts, e.a) end
  if e.y == 'sent' and e.ds and not st.sn then st.sn = e.ds end
  if e.y == 'delivered' then st.td = min_of(st.td, e.a) end
  if e.y == 'failed' and e.ec and not st.ec then st.ec = e.ec end
  if e.y == 'clicked' then st.tc = max_of(st.tc, e.a) end
  if e.y == 'replied' then
    st.tr = min_of(st.tr, e.a)
    if e.h == 'whatsapp' and (not st.ts or (e.a >= st.ts and e.a - st.ts <= DAY)) then
      st.fi, st.li = min_of(st.fi, e.a), max_of(st.li, e.a)
    end
  end
  if e.r and not st.r then st.r = e.r end
end

-- Moves effects parked on the message into its (now known) campaign.
-- Conversions among them reach the recipient's record too (rk: nil when the recipient is unknown).
local function unpark(mk, t, c, rk, h)
  local all = redis.call('HGETALL', mk)
  for j = 1, #all, 2 do
    local f, v = all[j], all[j + 1]
    local store, at, field = string.match(f, '^p:(%a+):(%d+):(.*)$')
    if store then
      apply_effect(t, c, store, field, tonumber(v), tonumber(at))
      redis.call('HDEL', mk, f)
      if rk and store == 'counts' and field == 'conversions' then note_conversion(rk, h, tonumber(v), nil, 0) end
      local cur = rk and store == 'money' and string.match(field, '^revenue:(.+)$')
      if cur then note_conversion(rk, h, 0, cur, tonumber(v)) end
    end
  end
end

-- Reaches, deliveries and clicks feed attribution (SPEC §4); written when they can have changed.
local function sync_recipient(e, st, c, fresh, delivered_now)
  if not st.r then return end
  local rk = K.recipient(e.t, st.r)
  if st.ts and (fresh or e.y == 'sent') then remember(rk, 'lr:' .. e.h, st.ts, c, e.m) end
  if band(st.s, DELIVERED) ~= 0 and (fresh or delivered_now) then
    remember(rk, 'ld', st.td or st.ts or e.a, c, e.m)
  end
  if st.tc and (fresh or e.y == 'clicked') then remember(rk, 'lc', st.tc, c, e.m) end
  note_engagement(rk, e)
  if not st.rn and band(st.s, SENT) ~= 0 then
    add_field(rk, 'n', 1)
    count_day(rk, 'rd:' .. e.h, st.ts or st.td or e.a)
    st.rn = '1'
  end
  if e.y == 'converted' then note_conversion(rk, e.h, 1, e.mk == 'revenue' and e.mc, e.mu or 0) end
  if e.h == 'in_app' and band(st.k, OPENED) ~= 0 and not st.op then
    if redis.call('SADD', W(K.openers(e.t, c)), st.r) == 1 then
      INCR(K.counts(e.t, c), 'inAppOpeners', 1)
    end
    st.op = '1'
  end
end

local function apply_message_event(e)
  local mk = W(K.message(e.t, e.m))
  if has_effects(e) and redis.call('HSETNX', mk, 'e:' .. e.i, 1) == 0 then return 'duplicate' end
  local st = get_message(mk)
  st.dirty = true
  local newly_known = false
  local had_recipient = st.r ~= nil
  if not st.c and e.c then
    st.c = e.c
    newly_known = true
  end
  st.s = bor(st.s, e.b)
  note_times(st, e)
  local c = st.c
  if not c then
    for _, fx in ipairs(event_effects(e)) do
      redis.call('HINCRBY', mk, 'p:' .. fx[1] .. ':' .. e.a .. ':' .. fx[2], fx[3])
    end
    redis.call('ZADD', W(K.parked), 'NX', NOW, e.t .. SEP .. e.m)
    return 'parked'
  end
  touch_campaign(e, c)
  if newly_known then
    unpark(mk, e.t, c, st.r and K.recipient(e.t, st.r), e.h)
    redis.call('ZREM', K.parked, e.t .. SEP .. e.m)
    if st.u then
      INCR(K.unattributed(e.t), 'parked_receipts', -1)
      st.u = nil
      redis.call('HDEL', mk, 'u')
    end
  end
  if e.y == 'sent' and not st.d then st.d = intern_dims(e.t, c, e) end
  local eff = effective(st.s)
  local delivered_now = band(eff, DELIVERED) ~= 0 and band(st.k, DELIVERED) == 0
  if eff ~= st.k then
    move_counts(e.t, c, st, st.k, eff, e.a)
    st.k = eff
  end
  if st.d and eff ~= st.bk then
    move_breakdown(e.t, c, st, st.d, st.bk, eff, e.a)
    st.bk = eff
  end
  for _, fx in ipairs(event_effects(e)) do apply_effect(e.t, c, fx[1], fx[2], fx[3], e.a) end
  sync_response_time(e.t, c, st)
  sync_engagement(e.t, c, st)
  sync_recipient(e, st, c, newly_known or not had_recipient, delivered_now or e.y == 'delivered')
  return 'applied'
end

-- ---------------------------------------------------------------- recipient-level events
local function unattributed(e)
  INCR(K.unattributed(e.t), e.y, 1)
  return 'unattributed'
end

local function member_of(e) return e.r or ('event:' .. e.i) end

local function set_subscription(e)
  if not e.r then return end
  local rk = K.recipient(e.t, e.r)
  local cur = tonumber(rget(rk, 'subAt') or '-1')
  if e.a >= cur then
    rset(rk, 'sub', e.y == 'opted_in' and 'in' or 'out')
    rset(rk, 'subAt', string.format('%d', e.a))
  end
end

local SET_EVENTS = {
  opted_out = { K.optouts, 'optOuts' },
  uninstalled = { K.uninstalls, 'uninstalls' },
  feature_adopted = { K.adopters, 'featureAdopters' },
}

local function apply_set_event(e, c)
  local spec = SET_EVENTS[e.y]
  touch_campaign(e, c)
  if redis.call('SADD', W(spec[1](e.t, c)), member_of(e)) == 1 then
    INCR(K.counts(e.t, c), spec[2], 1)
    bucket_add(e.t, c, e.a, spec[2], 1)
    if e.y == 'opted_out' and e.m then sender_add(e.t, get_message(K.message(e.t, e.m)).sn, e.a, 'optOuts', 1) end
    return 'applied'
  end
  return 'duplicate'
end

-- A per-event effect (click, conversion, survey, money) on a campaign without a message.
local function apply_campaign_effects(e, c)
  touch_campaign(e, c)
  for _, fx in ipairs(event_effects(e)) do apply_effect(e.t, c, fx[1], fx[2], fx[3], e.a) end
  if e.r then
    local rk = K.recipient(e.t, e.r)
    note_engagement(rk, e)
    if e.y == 'converted' then note_conversion(rk, e.h, 1, e.mk == 'revenue' and e.mc, e.mu or 0) end
  end
  return 'applied'
end

-- Finds the campaign (and message) of an event that names neither, from recipient state (SPEC §4).
local function attribute(e)
  if not e.r then return nil end
  local rk = K.recipient(e.t, e.r)
  if e.y == 'converted' then
    local c, m = recall(rk, 'lc', e.a, window_of(e.t, 2))
    if c then return c, m end
    return recall(rk, 'ld', e.a, window_of(e.t, 3))
  end
  return recall(rk, 'lr:' .. e.h, e.a, window_of(e.t, 1))
end

local function apply_event(e)
  if e.y == 'opted_out' or e.y == 'opted_in' then set_subscription(e) end
  if e.m and not e.c and (SET_EVENTS[e.y] or e.y == 'opted_in') then
    local st = get_message(K.message(e.t, e.m))
    e.c = st.c
    if not e.r then e.r = st.r end
  end
  if e.y == 'opted_in' then return 'applied' end
  if SET_EVENTS[e.y] then
    if not e.c then
      if not redis.call('SET', W(K.tseen(e.t, e.i)), 1, 'NX', 'EX', DEDUPE_TTL) then return 'duplicate' end
      local c, m = attribute(e)
      if not c then return unattributed(e) end
      e.c = c
      if m and m ~= '' and not e.m then e.m = m end
    end
    return apply_set_event(e, e.c)
  end
  if e.m then return apply_message_event(e) end
  if not e.c then
    if not redis.call('SET', W(K.tseen(e.t, e.i)), 1, 'NX', 'EX', DEDUPE_TTL) then return 'duplicate' end
    local c, m = attribute(e)
    if not c then return unattributed(e) end
    e.c = c
    if m and m ~= '' then
      e.m = m
      return apply_message_event(e)
    end
    return apply_campaign_effects(e, c)
  end
  if has_effects(e) then
    if not redis.call('SET', W(K.cseen(e.t, e.c, e.i)), 1, 'NX', 'EX', DEDUPE_TTL) then return 'duplicate' end
  end
  return apply_campaign_effects(e, e.c)
end

local tally = { applied = 0, duplicate = 0, parked = 0, unattributed = 0 }
local skipped = 0
for idx = 12, #ARGV do
  local e = cjson.decode(ARGV[idx])
  if e.o < next_offset then
    skipped = skipped + 1
  else
    local outcome = apply_event(e)
    tally[outcome] = tally[outcome] + 1
  end
end
flush_campaigns()
flush_active()
for mk, st in pairs(messages) do
  if st.dirty then save_message(mk, st) end
end
for rk, entry in pairs(recipients) do
  local args = {}
  for f in pairs(entry.d) do args[#args + 1] = f args[#args + 1] = entry.v[f] end
  if #args > 0 then
    redis.call('HSET', W(rk), unpack(args))
    redis.call('EXPIRE', rk, RCPT_TTL)
  end
end
for key, h in pairs(increments) do
  for f, n in pairs(h) do
    if n ~= 0 then redis.call('HINCRBY', key, f, n) end
  end
end
for key, at in pairs(expiring) do redis.call('EXPIREAT', key, at) end
redis.call('HSET', W(K.offsets), OFF_FIELD, string.format('%d', math.max(next_offset, LAST + 1)))
local list = {}
for key in pairs(touched) do
  list[#list + 1] = key
  if #list == 500 then redis.call('SADD', K.dirty, unpack(list)) list = {} end
end
if #list > 0 then redis.call('SADD', K.dirty, unpack(list)) end
return { 'ok', tally.applied, tally.duplicate, tally.parked, tally.unattributed, skipped }
