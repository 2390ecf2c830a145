-- Part 3 of the apply script (see 1-batch.lua): per-message state and the campaign counts,
-- minute buckets and breakdowns its status changes move.
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

