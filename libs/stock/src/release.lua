-- Gives a reservation's stock back, exactly once.
-- KEYS[1] stock, KEYS[2] reservations, KEYS[3] unconfirmed
-- ARGV[1] orderId, ARGV[2] states it may be released from (e.g. "R" or "TO"), ARGV[3] new state ("U" or "X")
-- Returns {1, state} when released now; {0, current state or ""} when it was not in an allowed state
-- (already released, never reserved, or taken by someone else): nothing changes then.
-- The buyer's entry stays: a released or undone reservation no longer counts as live, so they may buy again.
-- When the stock comes back from 0, publishes `<activityId>:<remaining>` on seckill:stock-changes (the id is
-- the stock key's hash tag): every gateway clears its in-process sold-out flag.
local record = redis.call('HGET', KEYS[2], ARGV[1])
if not record then return {0, ''} end
local state, user, quantity, reservedAt = string.match(record, '^(%a)|([^|]*)|(%d+)|(%d+)$')
if not string.find(ARGV[2], state, 1, true) then return {0, state} end

local remaining = redis.call('INCRBY', KEYS[1], quantity)
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3] .. '|' .. user .. '|' .. quantity .. '|' .. reservedAt)
redis.call('ZREM', KEYS[3], ARGV[1])
local activityId = string.match(KEYS[1], '{(%d+)}')
if activityId and remaining == tonumber(quantity) then
  redis.call('PUBLISH', 'seckill:stock-changes', activityId .. ':' .. remaining)
end
return {1, state}
