-- Part 4 of the apply script (see 1-batch.lua): dispatch of each event (message events,
-- recipient-level events, campaign-only effects, attribution), then the batch's write-back.
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
