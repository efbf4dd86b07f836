-- Rebuild, first step (one call per slice of orders): puts back each order's reservation record and its
-- buyer, as PostgreSQL, the ledger, has them. Called under the activity's row lock (stock-rebuild.ts).
-- KEYS[1] reservations  KEYS[2] buyers
-- ARGV: 5-tuples orderId, userId, quantity, live ("1": PENDING or PAID, "0": CANCELLED), createdAt (ms)
-- A live order's record becomes O, unless it says X: its cancellation is releasing it at this moment
-- (the row will say CANCELLED). A cancelled order's record becomes X: its stock is free.
-- Records of requests not in the ledger (R, T: in flight) are left as they are.
-- Returns the number of records written.
local written = 0
for i = 1, #ARGV, 5 do
  local id, user, quantity, isLive, at = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3] == '1', ARGV[i + 4]
  local record = redis.call('HGET', KEYS[1], id)
  local state = stateOf(record)
  local target = isLive and ORDERED or RELEASED
  if state ~= target and not (isLive and state == RELEASED) then
    local reservedAt = record and select(4, decodeReservation(record)) or at
    redis.call('HSET', KEYS[1], id, encodeReservation(target, user, quantity, reservedAt))
    written = written + 1
  end
  local current = redis.call('HGET', KEYS[2], user)
  if isLive or not current then redis.call('HSET', KEYS[2], user, id) end
end
return written
