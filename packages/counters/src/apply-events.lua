-- Applies a batch of canonical events to the counters in one atomic step (see apply.ts for the
-- exactly-once argument). ARGV[1] = key prefix, ARGV[2] = message-state TTL (s),
-- ARGV[3] = dedupe TTL (s), ARGV[4..] = compact events (JSON):
--   {i=eventId, t=tenant, y=type, c=campaign?, m=messageId?, r=recipient?, h=channel, a=occurredAt ms,
--    b=implied status bits, n=per-event counter name?, mc=money currency?, mu=money units?, mk=money kind?}
-- Returns {applied, duplicates, parked, unattributed}.
local P, MSG_TTL, DEDUPE_TTL = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local band, bor, bnot = bit.band, bit.bor, bit.bnot
local SENT, DELIVERED, FAILED, OPENED, CLICKED, REPLIED, CONVERTED = 1, 2, 4, 8, 16, 32, 64
local FLAGS = { {SENT, 'sent'}, {DELIVERED, 'delivered'}, {FAILED, 'failed'}, {OPENED, 'opened'},
  {CLICKED, 'clicked'}, {REPLIED, 'replied'}, {CONVERTED, 'converted'} }

-- The counted flags of a message: failed counts only while the message was never delivered.
local function effective(bits)
  if band(bits, DELIVERED) ~= 0 then return band(bits, bnot(FAILED)) end
  return bits
end

local function ctag(t, c) return P .. ':c:{' .. t .. ':' .. c .. '}' end

local function touch_campaign(e, c)
  local tag = ctag(e.t, c)
  if redis.call('ZADD', P .. ':t:{' .. e.t .. '}:campaigns', 'NX', e.a, c) == 1 then
    redis.call('HSET', tag .. ':meta', 'channel', e.h, 'firstAt', e.a)
  else
    redis.call('ZADD', P .. ':t:{' .. e.t .. '}:campaigns', 'LT', e.a, c)
  end
  redis.call('SADD', P .. ':dirty', e.t .. '\0' .. c)
  return tag
end

-- Per-event effects (a click, a conversion, money): applied now, or parked on the message.
local function add_effects(tag, e, mk)
  if not e.n and not e.mc then return end
  if tag then
    if e.n then redis.call('HINCRBY', tag .. ':counts', e.n, 1) end
    if e.mc then redis.call('HINCRBY', tag .. ':money', e.mk .. ':' .. e.mc, e.mu) end
  else
    if e.n then redis.call('HINCRBY', mk, 'p:n:' .. e.n, 1) end
    if e.mc then redis.call('HINCRBY', mk, 'p:m:' .. e.mk .. ':' .. e.mc, e.mu) end
  end
end

-- Moves parked per-event effects of a message into its (now known) campaign.
local function unpark(tag, mk)
  local all = redis.call('HGETALL', mk)
  for j = 1, #all, 2 do
    local f, v = all[j], all[j + 1]
    if string.sub(f, 1, 4) == 'p:n:' then
      redis.call('HINCRBY', tag .. ':counts', string.sub(f, 5), v)
      redis.call('HDEL', mk, f)
    elseif string.sub(f, 1, 4) == 'p:m:' then
      redis.call('HINCRBY', tag .. ':money', string.sub(f, 5), v)
      redis.call('HDEL', mk, f)
    end
  end
end

local function apply_message_event(e)
  local mk = P .. ':m:{' .. e.t .. ':' .. e.m .. '}'
  if (e.n or e.mc) and redis.call('HSETNX', mk, 'e:' .. e.i, 1) == 0 then
    return 'duplicate'
  end
  local st = redis.call('HMGET', mk, 'c', 's', 'k')
  local camp, bits, counted = st[1], tonumber(st[2]) or 0, tonumber(st[3]) or 0
  local newly_known = false
  if not camp and e.c then
    camp = e.c
    newly_known = true
    redis.call('HSET', mk, 'c', camp)
  end
  local nb = bor(bits, e.b)
  if nb ~= bits then redis.call('HSET', mk, 's', nb) end
  local outcome = 'applied'
  local tag = nil
  if camp then
    tag = touch_campaign(e, camp)
    if newly_known then unpark(tag, mk) end
    local eff = effective(nb)
    if eff ~= counted then
      for _, f in ipairs(FLAGS) do
        local was, now = band(counted, f[1]) ~= 0, band(eff, f[1]) ~= 0
        if now and not was then redis.call('HINCRBY', tag .. ':counts', f[2], 1) end
        if was and not now then redis.call('HINCRBY', tag .. ':counts', f[2], -1) end
      end
      redis.call('HSET', mk, 'k', eff)
    end
  else
    outcome = 'parked'
  end
  add_effects(tag, e, mk)
  redis.call('EXPIRE', mk, MSG_TTL)
  return outcome
end

-- Events without a message id but with a campaign: recipient-level and per-event effects.
local function apply_campaign_event(e)
  local tag = ctag(e.t, e.c)
  if e.y == 'opted_out' or e.y == 'uninstalled' then
    local set = tag .. (e.y == 'opted_out' and ':optouts' or ':uninstalls')
    local member = e.r or ('event:' .. e.i)
    touch_campaign(e, e.c)
    if redis.call('SADD', set, member) == 1 then
      redis.call('HINCRBY', tag .. ':counts', e.y == 'opted_out' and 'optOuts' or 'uninstalls', 1)
      return 'applied'
    end
    return 'duplicate'
  end
  if e.n or e.mc then
    if not redis.call('SET', tag .. ':seen:' .. e.i, 1, 'NX', 'EX', DEDUPE_TTL) then return 'duplicate' end
    touch_campaign(e, e.c)
    add_effects(tag, e, nil)
    return 'applied'
  end
  touch_campaign(e, e.c)
  return 'applied'
end

local applied, duplicates, parked, unattributed = 0, 0, 0, 0
for idx = 4, #ARGV do
  local e = cjson.decode(ARGV[idx])
  if e.c == cjson.null then e.c = nil end
  local outcome
  if (e.y == 'opted_out' or e.y == 'uninstalled') and e.m and not e.c then
    -- recipient-level events count per recipient, under the campaign of the message they name
    e.c = redis.call('HGET', P .. ':m:{' .. e.t .. ':' .. e.m .. '}', 'c') or nil
  end
  if e.c and (e.y == 'opted_out' or e.y == 'uninstalled' or not e.m) then
    outcome = apply_campaign_event(e)
  elseif e.m and e.y ~= 'opted_out' and e.y ~= 'uninstalled' then
    outcome = apply_message_event(e)
  elseif redis.call('SET', P .. ':t:{' .. e.t .. '}:seen:' .. e.i, 1, 'NX', 'EX', DEDUPE_TTL) then
    -- kept and counted under the tenant, never silently dropped
    redis.call('HINCRBY', P .. ':t:{' .. e.t .. '}:unattributed', e.y, 1)
    outcome = 'unattributed'
  else
    outcome = 'duplicate'
  end
  if outcome == 'applied' then applied = applied + 1
  elseif outcome == 'duplicate' then duplicates = duplicates + 1
  elseif outcome == 'parked' then parked = parked + 1
  else unattributed = unattributed + 1 end
end
return { applied, duplicates, parked, unattributed }
