-- Marks reservations whose order the ledger refused (no stock left in PostgreSQL, or the buyer already
-- holds a live order): T → F. No stock goes back: Redis counted stock it did not have, and the rebuild
-- that follows sets the remaining stock from PostgreSQL. Other states are left alone.
-- KEYS[1] reservations
-- ARGV: order ids
-- Returns the number of reservations moved to F.
local moved = 0
for _, id in ipairs(ARGV) do
  local record = redis.call('HGET', KEYS[1], id)
  if record and string.sub(record, 1, 1) == 'T' then
    redis.call('HSET', KEYS[1], id, 'F' .. string.sub(record, 2))
    moved = moved + 1
  end
end
return moved
