-- Settles taken reservations once the ledger has spoken: T → O (the order row is committed) or T → F (the
-- ledger refused it: no stock left in PostgreSQL, or the buyer already holds a live order; no stock goes
-- back then, since Redis counted stock it did not have, and the rebuild that follows sets the remaining
-- stock from PostgreSQL). Other states are left alone: a replay of an order cancelled since must not bring
-- its reservation back to life. A refusal ends requests a rebuild found in excess (held, not taken from the
-- remaining stock): the meta's stockDebt falls by the refused units, so that nothing pays for them later.
-- KEYS[1] reservations  KEYS[2] meta
-- ARGV[1] the new state (ORDERED or FAILED)  ARGV[2..] order ids
-- Returns the number of reservations moved.
local moved, refused = 0, 0
for i = 2, #ARGV do
  local record = redis.call('HGET', KEYS[1], ARGV[i])
  if stateOf(record) == TAKEN then
    redis.call('HSET', KEYS[1], ARGV[i], withState(record, ARGV[1]))
    moved = moved + 1
    if ARGV[1] == FAILED then
      local _, _, quantity = decodeReservation(record)
      refused = refused + tonumber(quantity)
    end
  end
end
if refused > 0 then payDebt(KEYS[2], refused) end
return moved
