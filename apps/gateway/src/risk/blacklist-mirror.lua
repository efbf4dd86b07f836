-- Replaces Redis's copy of the blacklist with a snapshot of PostgreSQL's, if it is newer than the copy.
-- KEYS[1] entries (hash: `<kind>:<value>` → `{"reason":…,"addedAt":…}`)  KEYS[2] the copy's version
-- ARGV[1] the snapshot's version (PostgreSQL's blacklist_version)  ARGV[2…] the entries, field/value pairs
-- Returns 1 when the copy was replaced (and every gateway told, on the blacklist channel), 0 when Redis
-- already held this version or a newer one: two snapshots written out of order never go backwards.
local held = tonumber(redis.call('GET', KEYS[2]) or '-1')
if held >= tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('PUBLISH', BLACKLIST_CHANNEL, 'changed')
return 1
