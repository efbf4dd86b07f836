-- Recovery is done with an activity: it leaves the set recovery visits, unless a gateway announced it again
-- since recovery read its stamp (it may be reserving in it right now).
-- KEYS[1] the selling activities  ARGV[1] activity id  ARGV[2] the stamp recovery read
-- Returns 1 when it left, 0 when it stays.
local stamp = redis.call('ZSCORE', KEYS[1], ARGV[1])
if stamp and tonumber(stamp) <= tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
