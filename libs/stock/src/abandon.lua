-- Gives up a purchase attempt whose reply the gateway never got (Redis timed out, the connection dropped):
-- it was answered 503, and a 503 takes nothing. Either its reserve.lua never ran under this order id — a
-- tombstone (U, quantity 0) then stops it from ever reserving — or it did, and the reservation is undone
-- (R → U, stock back); unless another attempt's answer named it to the buyer (a retry's DUPLICATE or an
-- ALREADY_PURCHASED: a promise, KEYS[4]), or the order-service took it: then it stays, and will be an order.
-- A promise holds only while the attempt that made it is not abandoned too: its answer may have been lost
-- as well. So abandoning an attempt also voids the promise it made (the tombstone's case), and a reservation
-- kept for promises alone is undone once the last of them is void.
-- KEYS[1] stock  KEYS[2] reservations  KEYS[3] unconfirmed  KEYS[4] promises  KEYS[5] buyers  KEYS[6] meta
-- ARGV[1] orderId  ARGV[2] userId  ARGV[3] now (epoch ms)  ARGV[4] settle (ms; 0 = none): a promise younger
-- than this (Redis's clock) may yet turn out lost, and its reservation is left as it is ('pending')
-- ARGV[5..] other attempts of this buyer known abandoned (the ledger's): their promises are void
-- Returns 'never-reserved', 'undone', 'promised' (kept for a promise), 'kept' (taken already) or 'pending'
-- (only promises younger than ARGV[4] stand). An attempt that never reserved returns 'kept' when the promise
-- it made was the last one holding a reservation whose own attempt was abandoned, and that reservation was
-- taken meanwhile: a buyer answered 503 twice holds it, which the gateway logs and counts.
-- Publishes when the stock comes back from 0 (returnStock).
local void = { [ARGV[1]] = true }
for i = 5, #ARGV do void[ARGV[i]] = true end
local settle = tonumber(ARGV[4])

local function undo(orderId, record)
  local _, _, quantity = decodeReservation(record)
  returnStock(KEYS[6], KEYS[1], tonumber(quantity))
  redis.call('HSET', KEYS[2], orderId, withState(record, UNDONE))
  redis.call('ZREM', KEYS[3], orderId)
  redis.call('HDEL', KEYS[4], orderId)
end

-- A reservation whose own attempt is abandoned (own) or whose promises may have lost one: kept while a
-- promise that is not void stands, undone when its own attempt was abandoned and none does.
local function judge(orderId, own)
  local record = redis.call('HGET', KEYS[2], orderId)
  local state = stateOf(record)
  if state == UNDONE then return 'undone' end
  local value = redis.call('HGET', KEYS[4], orderId)
  if not value and not own then return 'kept' end
  local mark = own and '!' or string.sub(value, 1, 1)
  local left, settled, now = { mark }, false, settle > 0 and redisNowMs()
  for by, at in string.gmatch(value or '', ' ([^@ ]+)@(%d+)') do
    if not void[by] then
      left[#left + 1] = by .. '@' .. at
      settled = settled or not now or tonumber(at) <= now - settle
    end
  end
  if state ~= RESERVED then
    -- Taken already: nothing to undo. Taken live, its own attempt abandoned and no promise left: a buyer
    -- answered only 503s holds it ('lost').
    if value or own then redis.call('HSET', KEYS[4], orderId, table.concat(left, ' ')) end
    return (isLiveState(state) and mark == '!' and #left == 1) and 'lost' or 'kept'
  end
  if #left == 1 and mark == '!' then
    undo(orderId, record)
    return 'undone'
  end
  redis.call('HSET', KEYS[4], orderId, table.concat(left, ' '))
  if #left > 1 and not settled then return 'pending' end
  return #left > 1 and 'promised' or 'kept'
end

local record = redis.call('HGET', KEYS[2], ARGV[1])
if record then
  local found = judge(ARGV[1], true)
  return found == 'lost' and 'kept' or found
end
redis.call('HSET', KEYS[2], ARGV[1], encodeReservation(UNDONE, ARGV[2], 0, ARGV[3]))
-- Never reserved: it may have named the buyer's reservation to the buyer in an answer that never came.
local named = redis.call('HGET', KEYS[5], ARGV[2])
if named and judge(named, false) == 'lost' then return 'kept' end
return 'never-reserved'
