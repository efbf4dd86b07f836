-- Brings an activity's Redis copy up to its PostgreSQL row after an admin update (top-up, end early).
-- KEYS[1] meta  KEYS[2] stock
-- ARGV[1] activityId  ARGV[2] the row's total stock  ARGV[3] its startsAt  ARGV[4] its endsAt (epoch ms)
-- Returns {'OK', remaining, startsAt, endsAt} as Redis now holds them, or {'NOT_WARMED', -1, 0, 0}.
-- Convergent, so it may run again, late or out of order: stock only grows, and Redis adds exactly what
-- its copy of the total lacks (meta.stock → total); the window only shrinks (the minimum is kept).
-- The units added pay the stock debt a rebuild left first (giveBack): requests in flight that the old
-- total could not cover are covered by the new one before anything more is for sale.
-- Publishes the new remaining stock (a top-up clears every gateway's sold-out flag) and the window, with
-- the activity's defences as its meta holds them.
local meta = redis.call('HMGET', KEYS[1], 'stock', 'startsAt', 'endsAt', 'purchaseToken', 'challengeBits')
if not meta[1] then return {'NOT_WARMED', -1, 0, 0} end

local missing = tonumber(ARGV[2]) - tonumber(meta[1])
local remaining
if missing > 0 then
  local _
  _, remaining = giveBack(KEYS[1], KEYS[2], missing)
  redis.call('HSET', KEYS[1], 'stock', ARGV[2])
  redis.call('PUBLISH', STOCK_CHANNEL, stockChange(ARGV[1], remaining))
else
  remaining = tonumber(redis.call('GET', KEYS[2]) or '0')
end

local startsAt = math.min(tonumber(meta[2]), tonumber(ARGV[3]))
local endsAt = math.min(tonumber(meta[3]), tonumber(ARGV[4]))
redis.call('HSET', KEYS[1], 'startsAt', string.format('%.0f', startsAt), 'endsAt', string.format('%.0f', endsAt))
redis.call('PUBLISH', ACTIVITY_CHANNEL, activityChange(ARGV[1], startsAt, endsAt, meta[4], meta[5]))
return {'OK', remaining, startsAt, endsAt}
