-- The order-service takes reservations over before writing their orders: R → T. From then on the gateway
-- can no longer undo them (the order will exist), and recovery stops re-publishing them.
-- KEYS[1] reservations  KEYS[2] unconfirmed  KEYS[3] meta  KEYS[4] buyers
-- ARGV: triples orderId, userId, quantity — as the request message says
-- Returns {rebuilds, state per triple}: rebuilds is the activity's rebuild count (meta), -1 when Redis has
-- no meta for it; each state is the one after the call: "T" (taken now or before), "O" / "X" (already
-- ordered / released: a replay), "U" (undone by the gateway: write nothing), "F" (failed), "" (no such
-- reservation), "MISMATCH" (the message's buyer or quantity differ from the reservation: write nothing).
-- After a rebuild (rebuilds > 0) a missing reservation is one Redis lost with its data: it is recorded F
-- (no stock) so that the buyer's /result says FAILED, and the buyer points to it unless they hold a live one.
local rebuilds = tonumber(redis.call('HGET', KEYS[3], 'rebuilds') or (redis.call('EXISTS', KEYS[3]) == 1 and '0' or '-1'))
local function live(orderId)
  return isLiveState(stateOf(orderId and redis.call('HGET', KEYS[1], orderId)))
end

local out = {rebuilds}
for i = 1, #ARGV, 3 do
  local id = ARGV[i]
  local record = redis.call('HGET', KEYS[1], id)
  local result = ''
  if record then
    local state, user, quantity = decodeReservation(record)
    if user ~= ARGV[i + 1] or quantity ~= ARGV[i + 2] then
      result = 'MISMATCH'
    elseif state == RESERVED then
      redis.call('HSET', KEYS[1], id, withState(record, TAKEN))
      redis.call('ZREM', KEYS[2], id)
      result = TAKEN
    else
      result = state
    end
  elseif rebuilds > 0 then
    redis.call('HSET', KEYS[1], id, encodeReservation(FAILED, ARGV[i + 1], ARGV[i + 2], 0))
    if not live(redis.call('HGET', KEYS[4], ARGV[i + 1])) then redis.call('HSET', KEYS[4], ARGV[i + 1], id) end
    result = FAILED
  end
  out[#out + 1] = result
end
return out
