-- Leftovers moved, second step, in the home shard: applies a transfer taken out by transfer-out.lua, at
-- most once whoever calls it (the gateway right after the first step, recovery for one left half-done).
-- KEYS[1] stock  KEYS[2] transfers-in  KEYS[3] meta (of this shard)
-- ARGV[1] transferId  ARGV[2] quantity  ARGV[3] the rebuild count the units were taken out under
-- Returns 'APPLIED' (now), 'ALREADY' (before) or 'STALE': this shard was rebuilt since (or not yet, or
-- is not warmed), and a rebuild sets every shard's stock from the ledger — applying it would count the
-- units twice. The units pay this shard's stock debt first (returnStock): the rebuild gave the shortfall to
-- the first shards with requests in flight, and when another shard's request turned out to be the excess,
-- that shard's stock holds a unit the ledger does not have while this one still owes it.
-- Publishes when the stock comes back from 0 (returnStock).
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 'ALREADY' end
if redis.call('EXISTS', KEYS[3]) == 0 or (redis.call('HGET', KEYS[3], 'rebuilds') or '0') ~= ARGV[3] then
  return 'STALE'
end
returnStock(KEYS[3], KEYS[1], tonumber(ARGV[2]))
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 'APPLIED'
