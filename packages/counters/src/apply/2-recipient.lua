-- Part 2 of the apply script (see 1-batch.lua): per-recipient state — attribution lists, messages
-- per day, engagement and reply times, conversions.
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

