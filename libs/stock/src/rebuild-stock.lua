-- Rebuild, last step: the activity's meta and remaining stock, from the ledger's figures and the records
-- that rebuild-records.lua put back. In one step, so that no purchase lands between the count and the SET.
-- KEYS[1] meta  KEYS[2] stock  KEYS[3] reservations  (a shard's: KEYS[4] transfers-out  KEYS[5] transfers-in)
-- ARGV[1] activityId  ARGV[2] stock (total)  ARGV[3] startsAt  ARGV[4] endsAt (epoch ms)
--      ARGV[5] perUserLimit  ARGV[6] payTimeoutSeconds  ARGV[7] rebuilds (the ledger's count, this one included)
--      ARGV[8] (stock shards only) this shard's budget: the units it held when counted plus its share of
--      what is left; remaining = budget − held now, so a purchase since the count is still paid for
-- remaining = stock (or the budget) − every unit held by a record: O (a live order) and R / T (a request
-- in flight, whose order the ledger may still write). Never below 0: if the in-flight requests do not
-- fit, the ledger will refuse the excess (they end FAILED).
-- Returns {remaining, held, inFlight (R/T records)}. Unsharded, publishes the new stock and window to every
-- gateway; a shard does not (one shard's figure is not the activity's: stock-rebuild.ts publishes the sum)
-- and drops its transfer records — transfers from before the rebuild are refused from now on (transfer-in.lua).
local held, inFlight = 0, 0
local records = redis.call('HVALS', KEYS[3])
for _, record in ipairs(records) do
  local state, _, quantity = decodeReservation(record)
  if isLiveState(state) then held = held + tonumber(quantity) end
  if state == RESERVED or state == TAKEN then inFlight = inFlight + 1 end
end
local remaining = math.max(0, tonumber(ARGV[8] or ARGV[2]) - held)
redis.call('SET', KEYS[2], remaining)
redis.call('HSET', KEYS[1], 'startsAt', ARGV[3], 'endsAt', ARGV[4], 'perUserLimit', ARGV[5],
  'payTimeoutSeconds', ARGV[6], 'stock', ARGV[2], 'rebuilds', ARGV[7])
if ARGV[8] then
  redis.call('DEL', KEYS[4], KEYS[5])
  return {remaining, held, inFlight}
end
redis.call('PUBLISH', STOCK_CHANNEL, stockChange(ARGV[1], remaining))
redis.call('PUBLISH', ACTIVITY_CHANNEL, activityChange(ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[4])))
return {remaining, held, inFlight}
