-- Retires one finished activity's keys (or one stock shard's): they expire at ARGV[1] — unless something of
-- it is still in flight, a reservation not yet taken by the order-service (a 202 whose request recovery
-- has still to publish) or a transfer between shards half done. Then nothing changes, and the next run of
-- retention looks again, and has recovery visit the activity meanwhile (activity-retention.ts).
-- KEYS[1] unconfirmed  KEYS[2] transfers-out (empty unless a stock shard)  KEYS[3..] the keys to expire
-- ARGV[1] expiry (epoch seconds)
-- Returns 1 when the keys were given their expiry, 0 when something is in flight.
if redis.call('ZCARD', KEYS[1]) > 0 or redis.call('HLEN', KEYS[2]) > 0 then return 0 end
for i = 3, #KEYS do redis.call('EXPIREAT', KEYS[i], ARGV[1]) end
return 1
