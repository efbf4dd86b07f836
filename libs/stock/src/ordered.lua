-- Marks reservations whose order row is committed: T → O. Other states are left alone (a replay of an
-- order that was cancelled since must not bring its reservation back to life).
-- KEYS[1] reservations
-- ARGV: order ids
-- Returns the number of reservations moved to O.
local moved = 0
for _, id in ipairs(ARGV) do
  local record = redis.call('HGET', KEYS[1], id)
  if record and string.sub(record, 1, 1) == 'T' then
    redis.call('HSET', KEYS[1], id, 'O' .. string.sub(record, 2))
    moved = moved + 1
  end
end
return moved
