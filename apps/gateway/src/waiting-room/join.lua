-- Join a waiting room: one place per buyer, in one step (the gateway's one Redis round trip of a join).
-- The pre-queue closes at the sale's start on Redis's clock: whoever joined before it is in it, and
-- the first join or advance from the start on fixes its size (preQueue); later arrivals queue behind it.
-- KEYS[1] room (hash)   KEYS[2] places (hash: userId -> arrival)
-- ARGV[1] userId   ARGV[2] startsAt (epoch ms)   ARGV[3] a random seed (kept by the room's first join)
-- Returns { arrival, preQueue (-1 while the sale has not started), seed, fresh (1: a new place, 0: again) }
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now >= tonumber(ARGV[2]) then
  redis.call('HSETNX', KEYS[1], 'preQueue', redis.call('HGET', KEYS[1], 'joined') or 0)
end
local arrival = redis.call('HGET', KEYS[2], ARGV[1])
local fresh = 0
if not arrival then
  arrival = redis.call('HINCRBY', KEYS[1], 'joined', 1)
  redis.call('HSET', KEYS[2], ARGV[1], arrival)
  fresh = 1
end
redis.call('HSETNX', KEYS[1], 'seed', ARGV[3])
local pre = redis.call('HGET', KEYS[1], 'preQueue')
return { tonumber(arrival), tonumber(pre or -1), redis.call('HGET', KEYS[1], 'seed'), fresh }
