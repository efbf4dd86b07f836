-- Gives reservations' stock back, exactly once each: one call for a whole batch of one activity.
-- KEYS[1] stock, KEYS[2] reservations, KEYS[3] unconfirmed, KEYS[4] meta (its stockDebt is paid first: giveBack)
-- ARGV[1] states they may be released from (e.g. "R" or "TO"), ARGV[2] new state ("U" or "X"),
-- ARGV[3..] order ids
-- Returns, per order id, {1, state} when released now; {0, current state or ""} when it was not in an
-- allowed state (already released, never reserved, or taken by someone else): nothing changes for it then.
-- The buyer's entry stays: a released or undone reservation no longer counts as live, so they may buy again.
-- When the stock comes back from 0, publishes `<activityId>:<remaining>` on STOCK_CHANNEL (sale-channels.ts) (the id
-- starts the stock key's hash tag: the activity's, or one of its stock shards' `{42#1…}`, whose stock is
-- then enough to clear the flag): every gateway clears its in-process sold-out flag.
-- The keys are those of the reservations' buyers' home shard when the activity has stock shards.
local before = tonumber(redis.call('GET', KEYS[1]) or '0')
local out, given, released = {}, 0, {}
for i = 3, #ARGV do
  local id = ARGV[i]
  local record = redis.call('HGET', KEYS[2], id)
  local result = {0, ''}
  if record then
    local state, _, quantity = decodeReservation(record)
    if string.find(ARGV[1], state, 1, true) then
      given = given + tonumber(quantity)
      redis.call('HSET', KEYS[2], id, withState(record, ARGV[2]))
      released[#released + 1] = id
      result = {1, state}
    else
      result = {0, state}
    end
  end
  out[#out + 1] = result
end
if given > 0 then
  local back, remaining = giveBack(KEYS[4], KEYS[1], given)
  redis.call('ZREM', KEYS[3], unpack(released))
  local activityId = string.match(KEYS[1], '{(%d+)[}#]')
  if activityId and before <= 0 and back > 0 then
    redis.call('PUBLISH', STOCK_CHANNEL, stockChange(activityId, remaining))
  end
end
return out
