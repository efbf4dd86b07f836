-- Gives reservations' stock back, exactly once each: one call for a whole batch of one activity.
-- KEYS[1] stock, KEYS[2] reservations, KEYS[3] unconfirmed, KEYS[4] meta (its stockDebt is paid first: returnStock)
-- ARGV[1] states they may be released from (e.g. "R" or "TO"), ARGV[2] new state ("U" or "X"),
-- ARGV[3..] order ids
-- Returns, per order id, {1, state} when released now; {0, current state or ""} when it was not in an
-- allowed state (already released, never reserved, or taken by someone else): nothing changes for it then.
-- The buyer's entry stays: a released or undone reservation no longer counts as live, so they may buy again.
-- When the stock comes back from 0, publishes it (returnStock): every gateway clears its sold-out flag.
-- The keys are those of the reservations' buyers' home shard when the activity has stock shards.
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
  returnStock(KEYS[4], KEYS[1], given)
  redis.call('ZREM', KEYS[3], unpack(released))
end
return out
