-- Advance a waiting room's "now serving" number, on Redis's clock: admit the next places in line at the
-- room's rate (a credit of admitPerSecond per second, at most one second's worth saved), while fewer
-- than min(maxAdmitted, remaining stock) places are admitted and not done. A place admitted is done when
-- its buyer's purchase is accepted (ZREM by the gateway) or when its deadline passes (a no-show: the slot
-- goes on to the next in line). Every gateway may run it, as often as it likes: the credit is by time.
-- KEYS[1] room   KEYS[2] admitted   KEYS[3] grants   KEYS[4] the activity's stock
-- ARGV[1] startsAt   ARGV[2] admitPerSecond   ARGV[3] maxAdmitted   ARGV[4] window (ms)
-- ARGV[5] the last position of the newest batch the caller knows (its reply lists the newer ones)
-- Returns { now, serving, preQueue (-1 before the start), seed ('' before the first join), stock (-1:
--   none), joined, admitted and not done, then 'first:last', deadline of each batch newer than ARGV[5] }
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local startsAt = tonumber(ARGV[1])
local joined = tonumber(redis.call('HGET', KEYS[1], 'joined') or 0)
local stock = tonumber(redis.call('GET', KEYS[4]) or -1)
local seed = redis.call('HGET', KEYS[1], 'seed') or ''
if now < startsAt then
  return { now, 0, -1, seed, stock, joined, 0 }
end
local pre = redis.call('HGET', KEYS[1], 'preQueue')
if not pre then
  pre = joined
  redis.call('HSET', KEYS[1], 'preQueue', pre)
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local serving = tonumber(redis.call('HGET', KEYS[1], 'serving') or 0)
local lastAt = tonumber(redis.call('HGET', KEYS[1], 'lastAt') or startsAt)
local rate = tonumber(ARGV[2])
local credit = tonumber(redis.call('HGET', KEYS[1], 'credit') or 0)
credit = math.min(credit + math.max(0, now - lastAt) * rate / 1000, math.max(rate, 1))
local active = redis.call('ZCARD', KEYS[2])
local cap = tonumber(ARGV[3])
if stock >= 0 and stock < cap then cap = stock end
local n = math.min(math.floor(credit), cap - active, joined - serving)
if n > 0 then
  local deadline = now + tonumber(ARGV[4])
  for p = serving + 1, serving + n do
    redis.call('ZADD', KEYS[2], deadline, p)
  end
  redis.call('ZADD', KEYS[3], deadline, (serving + 1) .. ':' .. (serving + n))
  serving = serving + n
  credit = credit - n
  active = active + n
end
redis.call('HSET', KEYS[1], 'serving', serving, 'lastAt', now, 'credit', tostring(credit))
local reply = { now, serving, tonumber(pre), seed, stock, joined, active }
local known = tonumber(ARGV[5])
local grants = redis.call('ZRANGE', KEYS[3], 0, -1, 'WITHSCORES')
for i = 1, #grants, 2 do
  local last = tonumber(string.match(grants[i], ':(%d+)$'))
  if last > known then
    reply[#reply + 1] = grants[i]
    reply[#reply + 1] = tonumber(grants[i + 1])
  end
end
return reply
