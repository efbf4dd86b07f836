-- Gives up a purchase attempt whose reply the gateway never got (Redis timed out, the connection dropped):
-- it was answered 503, and a 503 takes nothing. Either its reserve.lua never ran under this order id — a
-- tombstone (U, quantity 0) then stops it from ever reserving — or it did, and the reservation is undone
-- (R → U, stock back); unless another answer named it to the buyer (KEYS[4], a retry's DUPLICATE or an
-- ALREADY_PURCHASED), or the order-service took it: then it stays, and will be an order.
-- KEYS[1] stock  KEYS[2] reservations  KEYS[3] unconfirmed  KEYS[4] promised
-- ARGV[1] orderId  ARGV[2] userId  ARGV[3] now (epoch ms)
-- Returns 'never-reserved', 'undone' or 'kept'. Publishes like release.lua when the stock comes back from 0.
local record = redis.call('HGET', KEYS[2], ARGV[1])
if not record then
  redis.call('HSET', KEYS[2], ARGV[1], encodeReservation(UNDONE, ARGV[2], 0, ARGV[3]))
  return 'never-reserved'
end
local state, _, quantity = decodeReservation(record)
if state ~= RESERVED or redis.call('SISMEMBER', KEYS[4], ARGV[1]) == 1 then return 'kept' end
local remaining = redis.call('INCRBY', KEYS[1], quantity)
redis.call('HSET', KEYS[2], ARGV[1], withState(record, UNDONE))
redis.call('ZREM', KEYS[3], ARGV[1])
local activityId = string.match(KEYS[1], '{(%d+)[}#]')
if activityId and remaining == tonumber(quantity) then
  redis.call('PUBLISH', STOCK_CHANNEL, stockChange(activityId, remaining))
end
return 'undone'
