-- Forgets an activity that can never need recovery again: its sale ended more than a grace ago (a purchase
-- stamped just before the end may still be landing within it) and nothing is left unconfirmed. In one step,
-- so that no reservation lands between the count and the removal.
-- KEYS[1] meta  KEYS[2] unconfirmed  KEYS[3] the set of activities recovery scans
-- ARGV[1] activityId  ARGV[2] now (epoch ms)  ARGV[3] grace (ms)
-- Returns 1 when forgotten, else 0.
if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
local endsAt = tonumber(redis.call('HGET', KEYS[1], 'endsAt') or '0')
if endsAt + tonumber(ARGV[3]) >= tonumber(ARGV[2]) then return 0 end
return redis.call('SREM', KEYS[3], ARGV[1])
