-- Reserves stock for one purchase, atomically: the Redis half of the risk chain, every check and the
-- decrement in one step, so two buyers can never both take the last item (no DECR-then-check window)
-- and an admitted purchase costs one round trip. Every key carries the activity's hash tag.
-- KEYS[1] meta  KEYS[2] stock  KEYS[3] reservations  KEYS[4] buyers  KEYS[5] unconfirmed  KEYS[6] idempotency
--      KEYS[7] admission (hash: tokens, at)  KEYS[8] the buyer's rate state (string: GCRA TAT, ms)
--      KEYS[9] promises (hash: R reservations named to another attempt, and by which: abandon.lua keeps them
--      while that attempt is not abandoned too)
-- ARGV[1] orderId  ARGV[2] userId  ARGV[3] quantity  ARGV[4] now (epoch ms, the gateway's clock; the
--      reservation itself is stamped with Redis's clock, by which recovery judges its age)
--      ARGV[5] idempotency key or ""  ARGV[6] activityId (for the stock channel; "" in a stock shard, where
--      one shard selling out is not the activity selling out)
--      ARGV[7] per-user rate (per second, 0 = off)  ARGV[8] per-user burst
--      ARGV[9] admission rate (per second, 0 = off)  ARGV[10] admission burst (capacity is at least the stock)
--      ARGV[11] max clock skew (ms): the window, the per-user limit and the admission bucket judge with
--      ARGV[4] moved to within this distance of Redis's own clock (TIME); 0 = ARGV[4] as is
-- Returns {code, orderId, remaining, retryAfterMs}. Codes (a refusal by its name in libs/contracts/src/refusals.ts):
--   OK                 reserved; orderId is ARGV[1] (also when this very order id was reserved by an earlier
--                      run of this call whose reply was lost: a retry of the same attempt is answered alike)
--   ABANDONED          this order id was given up by the gateway (StockStore.abandon) before it ran: nothing
--   DUPLICATE          same idempotency key and quantity as an earlier live attempt; orderId is that one's
--   IDEMPOTENCY_KEY_REUSED  same idempotency key, different quantity
--   RATE_LIMITED_USER | ADMISSION_LIMITED   refused by a limit; retryAfterMs says when a retry could pass
--   NOT_FOUND | NOT_STARTED | ENDED | OVER_LIMIT | SOLD_OUT (remaining is the stock left)
--   ALREADY_PURCHASED  the buyer holds a live reservation; orderId is that one's
--   SHARDED            these are the keys of an activity that has stock shards (remaining is their number):
--                      the caller did not know yet, and reserves again in the buyer's home shard
-- Publishes `<activityId>:0` on STOCK_CHANNEL (sale-channels.ts) when it sells the last unit (gateways set their
-- sold-out flag). The keys are one stock shard's when the activity has several (decision 12): the buyer's
-- home shard, whose meta holds a copy of the window, limit and stock.
local function live(orderId)
  return isLiveState(stateOf(redis.call('HGET', KEYS[3], orderId)))
end

-- This attempt's answer names that reservation to the buyer: if its own attempt got no reply, it must not be
-- abandoned — unless this answer is lost too (then this attempt is abandoned, and its promise with it).
local function promise(orderId)
  if stateOf(redis.call('HGET', KEYS[3], orderId)) ~= RESERVED then return end
  local by = redis.call('HGET', KEYS[9], orderId) or '-'
  redis.call('HSET', KEYS[9], orderId, by .. ' ' .. ARGV[1] .. '@' .. redisNowMs())
end

-- GCRA, the same formula as apps/gateway/src/risk/client-ip.ts (GcraLimiter): admitted while the theoretical arrival time,
-- pushed one interval, stays within `burst` intervals of now. Returns 0, or the ms until admitted.
local function gcra(key, now, rate, burst)
  if rate <= 0 then return 0 end
  local interval = 1000 / rate
  local tat = math.max(tonumber(redis.call('GET', key) or now), now)
  local admittedFrom = tat + interval - interval * burst
  if now < admittedFrom then return math.ceil(admittedFrom - now) end
  redis.call('SET', key, string.format('%.3f', tat + interval), 'PX', math.ceil(tat + interval - now))
  return 0
end

-- Token bucket: `rate` tokens per second up to `capacity`, one per admission; full when first used.
local function takeToken(key, now, rate, capacity)
  if rate <= 0 then return 0 end
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local tokens, at = tonumber(state[1]) or capacity, tonumber(state[2]) or now
  tokens = math.min(capacity, tokens + math.max(0, now - at) * rate / 1000)
  -- (less a hair: 0.99 tokens must mean 1 ms to wait, not 2 from floating-point noise)
  if tokens < 1 then return math.ceil((1 - tokens) * 1000 / rate - 1e-6) end
  redis.call('HSET', key, 'tokens', string.format('%.6f', tokens - 1), 'at', math.max(at, now))
  return 0
end

-- The order id is made per attempt, so a record under it can only be this attempt's own.
local own = redis.call('HGET', KEYS[3], ARGV[1])
if own then
  if live(ARGV[1]) then return {'OK', ARGV[1], tonumber(redis.call('GET', KEYS[2]) or '0'), 0} end
  return {'ABANDONED', ARGV[1], -1, 0}
end

local meta = redis.call('HMGET', KEYS[1], 'startsAt', 'endsAt', 'perUserLimit', 'stock', 'stockShards')
if not meta[1] then return {'NOT_FOUND', '', -1, 0} end
if meta[5] then return {'SHARDED', '', tonumber(meta[5]), 0} end
local now, quantity = tonumber(ARGV[4]), tonumber(ARGV[3])
-- One gateway with a fast clock must not open a sale early, nor push the shared limits' state into the
-- future (which would stop the bucket's refills for every gateway): its clock counts only within the skew.
local skew = tonumber(ARGV[11])
if skew > 0 then
  local redisNow = redisNowMs()
  now = math.max(redisNow - skew, math.min(redisNow + skew, now))
end
if now < tonumber(meta[1]) then return {'NOT_STARTED', '', -1, 0} end
if now >= tonumber(meta[2]) then return {'ENDED', '', -1, 0} end

local wait = gcra(KEYS[8], now, tonumber(ARGV[7]), tonumber(ARGV[8]))
if wait > 0 then return {'RATE_LIMITED_USER', '', -1, wait} end

local idempotencyField = ARGV[5] ~= '' and (ARGV[2] .. ':' .. ARGV[5]) or nil
if idempotencyField then
  local seen = redis.call('HGET', KEYS[6], idempotencyField)
  if seen then
    local firstId, firstQuantity = string.match(seen, '^([^|]+)|(%d+)$')
    if live(firstId) then
      if tonumber(firstQuantity) ~= quantity then return {'IDEMPOTENCY_KEY_REUSED', firstId, -1, 0} end
      promise(firstId)
      return {'DUPLICATE', firstId, -1, 0}
    end
  end
end

if quantity > tonumber(meta[3]) then return {'OVER_LIMIT', '', -1, 0} end
local previous = redis.call('HGET', KEYS[4], ARGV[2])
if previous and live(previous) then
  promise(previous)
  return {'ALREADY_PURCHASED', previous, -1, 0}
end

local stock = tonumber(redis.call('GET', KEYS[2]) or '0')
if stock < quantity then return {'SOLD_OUT', '', stock, 0} end

-- Last, so that only a purchase about to be reserved spends a token (downstream load is what it caps).
local capacity = math.max(tonumber(ARGV[10]), tonumber(meta[4] or '0'))
wait = takeToken(KEYS[7], now, tonumber(ARGV[9]), capacity)
if wait > 0 then return {'ADMISSION_LIMITED', '', -1, wait} end

local remaining = redis.call('DECRBY', KEYS[2], quantity)
local reservedAt = redisNowMs()
redis.call('HSET', KEYS[3], ARGV[1], encodeReservation(RESERVED, ARGV[2], quantity, reservedAt))
redis.call('HSET', KEYS[4], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[5], reservedAt, ARGV[1])
if idempotencyField then redis.call('HSET', KEYS[6], idempotencyField, ARGV[1] .. '|' .. quantity) end
if remaining == 0 and ARGV[6] ~= '' then redis.call('PUBLISH', STOCK_CHANNEL, stockChange(ARGV[6], 0)) end
return {'OK', ARGV[1], remaining, 0}
