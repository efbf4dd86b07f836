-- The order-service takes reservations over before writing their orders: R → T. From then on the gateway
-- can no longer undo them (the order will exist), and recovery stops re-publishing them.
-- KEYS[1] reservations  KEYS[2] unconfirmed
-- ARGV: triples orderId, userId, quantity — as the request message says
-- Returns one state per triple, after the call: "T" (taken now or before), "O" / "X" (already ordered /
-- released: a replay), "U" (undone by the gateway: write nothing), "" (no such reservation),
-- "MISMATCH" (the message's buyer or quantity differ from the reservation: write nothing).
local out = {}
for i = 1, #ARGV, 3 do
  local id = ARGV[i]
  local record = redis.call('HGET', KEYS[1], id)
  local result = ''
  if record then
    local state, user, quantity, rest = string.match(record, '^(%a)|([^|]*)|(%d+)|(%d+)$')
    if user ~= ARGV[i + 1] or quantity ~= ARGV[i + 2] then
      result = 'MISMATCH'
    elseif state == 'R' then
      redis.call('HSET', KEYS[1], id, 'T|' .. user .. '|' .. quantity .. '|' .. rest)
      redis.call('ZREM', KEYS[2], id)
      result = 'T'
    else
      result = state
    end
  end
  out[#out + 1] = result
end
return out
