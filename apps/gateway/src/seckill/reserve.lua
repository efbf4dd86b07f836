-- Reserves stock for one purchase, atomically: every check and the decrement in one step, so two
-- buyers can never both take the last item (no DECR-then-check window).
-- KEYS[1] meta  KEYS[2] stock  KEYS[3] reservations  KEYS[4] buyers  KEYS[5] unconfirmed  KEYS[6] idempotency
-- ARGV[1] orderId  ARGV[2] userId  ARGV[3] quantity  ARGV[4] now (epoch ms)  ARGV[5] idempotency key or ""
-- Returns {code, orderId, remaining}. Codes:
--   OK                 reserved; orderId is ARGV[1]
--   DUPLICATE          same idempotency key and quantity as an earlier live attempt; orderId is that one's
--   KEY_REUSED         same idempotency key, different quantity
--   NOT_FOUND | NOT_STARTED | ENDED | OVER_LIMIT | SOLD_OUT
--   ALREADY_PURCHASED  the buyer holds a live reservation; orderId is that one's
local function live(orderId)
  local record = redis.call('HGET', KEYS[3], orderId)
  local state = record and string.sub(record, 1, 1)
  return state == 'R' or state == 'T' or state == 'O'
end

local meta = redis.call('HMGET', KEYS[1], 'startsAt', 'endsAt', 'perUserLimit')
if not meta[1] then return {'NOT_FOUND', '', -1} end
local now, quantity = tonumber(ARGV[4]), tonumber(ARGV[3])
if now < tonumber(meta[1]) then return {'NOT_STARTED', '', -1} end
if now >= tonumber(meta[2]) then return {'ENDED', '', -1} end

local idempotencyField = ARGV[5] ~= '' and (ARGV[2] .. ':' .. ARGV[5]) or nil
if idempotencyField then
  local seen = redis.call('HGET', KEYS[6], idempotencyField)
  if seen then
    local firstId, firstQuantity = string.match(seen, '^([^|]+)|(%d+)$')
    if live(firstId) then
      if tonumber(firstQuantity) ~= quantity then return {'KEY_REUSED', firstId, -1} end
      return {'DUPLICATE', firstId, -1}
    end
  end
end

if quantity > tonumber(meta[3]) then return {'OVER_LIMIT', '', -1} end
local previous = redis.call('HGET', KEYS[4], ARGV[2])
if previous and live(previous) then return {'ALREADY_PURCHASED', previous, -1} end

local stock = tonumber(redis.call('GET', KEYS[2]) or '0')
if stock < quantity then return {'SOLD_OUT', '', stock} end

local remaining = redis.call('DECRBY', KEYS[2], quantity)
redis.call('HSET', KEYS[3], ARGV[1], 'R|' .. ARGV[2] .. '|' .. quantity .. '|' .. ARGV[4])
redis.call('HSET', KEYS[4], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[5], ARGV[4], ARGV[1])
if idempotencyField then redis.call('HSET', KEYS[6], idempotencyField, ARGV[1] .. '|' .. quantity) end
return {'OK', ARGV[1], remaining}
