-- A gateway is about to reserve in these activities (or a rebuild, or a full check, wants recovery to look
-- at them once): each is stamped with Redis's clock, the one reservations are stamped with, less ARGV[1].
-- A later stamp is never lowered (GT): a look asked for once does not shorten a gateway's announcement.
-- KEYS[1] the selling activities (sorted set: activity id -> stamp, epoch ms)
-- ARGV[1] how far back to stamp (ms; 0 = now)  ARGV[2..] activity ids
-- Returns the stamp.
local t = redis.call('TIME')
local stamp = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'GT', stamp, ARGV[i]) end
return stamp
