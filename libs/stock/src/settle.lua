-- Settles taken reservations once the ledger has spoken: T → O (the order row is committed) or T → F (the
-- ledger refused it: no stock left in PostgreSQL, or the buyer already holds a live order; no stock goes
-- back then, since Redis counted stock it did not have, and the rebuild that follows sets the remaining
-- stock from PostgreSQL). Other states are left alone: a replay of an order cancelled since must not bring
-- its reservation back to life.
-- KEYS[1] reservations
-- ARGV[1] the new state (ORDERED or FAILED)  ARGV[2..] order ids
-- Returns the number of reservations moved.
local moved = 0
for i = 2, #ARGV do
  local record = redis.call('HGET', KEYS[1], ARGV[i])
  if stateOf(record) == TAKEN then
    redis.call('HSET', KEYS[1], ARGV[i], withState(record, ARGV[1]))
    moved = moved + 1
  end
end
return moved
