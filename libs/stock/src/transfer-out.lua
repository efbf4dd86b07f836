-- Leftovers moved, first step, in the donor shard: takes stock out for the buyer's home shard and records
-- the transfer, in one step. The second step (transfer-in.lua, in the home shard's slot) applies it; until
-- then the units are in transit, counted by the record — a crash in between loses nothing for good, as
-- recovery applies every recorded transfer (shard-transfers.ts).
-- KEYS[1] stock  KEYS[2] transfers-out  KEYS[3] meta (of this shard)
-- ARGV[1] transferId  ARGV[2] home shard  ARGV[3] units the home shard needs
-- The transfer is stamped with Redis's clock, by which recovery judges its age.
-- Takes the need, or half of what is left if that is more (so that a hot sale's tail moves stock a few
-- times, not once per buyer), never more than is left.
-- Returns {moved, remaining, rebuilds}: rebuilds is this shard's rebuild count, which the transfer carries
-- (a rebuild resets every shard's stock, and refuses transfers from before it).
local rebuilds = redis.call('HGET', KEYS[3], 'rebuilds') or '0'
local seen = redis.call('HGET', KEYS[2], ARGV[1])
if seen then
  local moved = string.match(seen, '^%d+|(%d+)|')
  return {tonumber(moved), tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(rebuilds)}
end
local stock = tonumber(redis.call('GET', KEYS[1]) or '0')
if stock <= 0 then return {0, stock, tonumber(rebuilds)} end
local moved = math.min(stock, math.max(tonumber(ARGV[3]), math.ceil(stock / 2)))
local remaining = redis.call('DECRBY', KEYS[1], moved)
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. '|' .. moved .. '|' .. redisNowMs() .. '|' .. rebuilds)
return {moved, remaining, tonumber(rebuilds)}
