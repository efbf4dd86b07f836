-- Rebuild, last step: the activity's meta and remaining stock, from the ledger's figures and the records
-- that rebuild-records.lua put back. In one step, so that no purchase lands between the count and the SET.
-- KEYS[1] meta  KEYS[2] stock  KEYS[3] reservations  (a shard's: KEYS[4] transfers-out  KEYS[5] transfers-in)
-- ARGV[1] activityId
-- ARGV[2] what the remaining stock is counted from: the activity's stock, or (a shard) this shard's budget,
--      the units it held when counted plus its share of what is left; remaining = it − held now, so a
--      purchase since the count is still paid for
-- ARGV[3] 1 for a stock shard, else 0
-- ARGV[4…] the meta as field/value pairs: everything the warm-up wrote (activity-meta.ts: window, limits,
--      stock, bot defences) and `rebuilds` (the ledger's count, this one included)
-- remaining = ARGV[2] − every unit held by a record: O (a live order) and R / T (a request in flight, whose
-- order the ledger may still write). Never below 0: if the in-flight requests do not fit, the ledger will
-- refuse the excess (they end FAILED, and the refusal rebuilds again), and the excess is the meta's
-- `stockDebt`, which units coming back pay first (giveBack): an excess request undone instead (a 503's
-- reservation abandoned again) gives back no unit the remaining stock was not counted for.
-- Returns {remaining, held, inFlight (R/T records)}. Unsharded, publishes the new stock and the activity
-- (window and defences, as its meta now holds them) to every gateway; a shard does not (one shard's figure
-- is not the activity's: shard-rebuild.ts publishes the sum) and drops its transfer records — transfers
-- from before the rebuild are refused from now on (transfer-in.lua).
local budget = tonumber(ARGV[2])
local held, inFlight = 0, 0
local records = redis.call('HVALS', KEYS[3])
for _, record in ipairs(records) do
  local state, _, quantity = decodeReservation(record)
  if isLiveState(state) then held = held + tonumber(quantity) end
  if state == RESERVED or state == TAKEN then inFlight = inFlight + 1 end
end
local remaining = math.max(0, budget - held)
redis.call('SET', KEYS[2], remaining)
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
if held > budget then
  redis.call('HSET', KEYS[1], 'stockDebt', held - budget)
else
  redis.call('HDEL', KEYS[1], 'stockDebt')
end
if ARGV[3] == '1' then
  redis.call('DEL', KEYS[4], KEYS[5])
  return {remaining, held, inFlight}
end
redis.call('PUBLISH', STOCK_CHANNEL, stockChange(ARGV[1], remaining))
local window = redis.call('HMGET', KEYS[1], 'startsAt', 'endsAt', 'purchaseToken', 'challengeBits')
redis.call('PUBLISH', ACTIVITY_CHANNEL, activityChange(ARGV[1], tonumber(window[1]), tonumber(window[2]),
  window[3], window[4]))
return {remaining, held, inFlight}
