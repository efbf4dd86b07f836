-- Whether an activity can never need recovery again: its sale ended more than a grace ago (a purchase
-- stamped just before the end may still be landing within it) and nothing is left unconfirmed. Both read
-- in one step, in the activity's slot; the caller then removes it from the set recovery scans, which on a
-- Redis Cluster lives in another slot. Nothing can land in between: reserve.lua refuses after the end.
-- KEYS[1] meta  KEYS[2] unconfirmed
-- ARGV[1] now (epoch ms)  ARGV[2] grace (ms)
-- Returns 1 when it may be forgotten, else 0.
if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
local endsAt = tonumber(redis.call('HGET', KEYS[1], 'endsAt') or '0')
if endsAt + tonumber(ARGV[2]) >= tonumber(ARGV[1]) then return 0 end
return 1
