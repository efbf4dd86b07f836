-- The wrk script of every load run (loadtest/bench/wrk.ts writes its inputs and reads its output).
-- One purchase per line of WRK_TOKENS (a buyer's signed JWT, or anything else for a bad token), POSTed to
-- WRK_PATH; the lines are dealt round-robin to the WRK_THREADS threads, so every request is a distinct
-- buyer and the run ends when every line was answered. Answers are counted by status and by the error
-- `code` of the body; the time of every 2xx is kept (the admissions curve). With WRK_RATE (requests/s,
-- all threads) each thread paces its sends on a fixed schedule (approximately open: a send that falls
-- behind goes at once, and how far behind is reported). done() writes one JSON document to WRK_OUT.
local ffi = require('ffi')
ffi.cdef([[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *t);
]])
local clock = ffi.new('bench_timespec')
-- Epoch ms (CLOCK_REALTIME): the clock of PostgreSQL's now() and of the bench, so times compare.
local function now_ms()
  ffi.C.clock_gettime(0, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local threads = {}
function setup(thread)
  thread:set('index', #threads)
  table.insert(threads, thread)
end

local tokens, prefix, body = {}, nil, os.getenv('WRK_BODY') or '{"quantity":1}'
-- Every send is preceded by delay() (wrk asks it before a connection's first request too). `scheduled`
-- counts the sends delay() allowed that request() has not made yet: wrk calls request() from a timer
-- after delay(), so other connections ask in between, and without it a thread would overshoot its buyers.
local sent, scheduled, received, interval, next_at = 0, 0, 0, 0, nil
-- Read back by done() through thread:get, hence globals.
counts, admitted, first_ms, last_ms, behind_ms, quota = {}, {}, nil, nil, 0, 0

function init()
  local n = tonumber(os.getenv('WRK_THREADS') or '1')
  local me = tonumber(wrk.thread:get('index'))
  local line = 0
  for token in io.lines(os.getenv('WRK_TOKENS')) do
    if line % n == me then tokens[#tokens + 1] = token end
    line = line + 1
  end
  quota = #tokens
  local rate = tonumber(os.getenv('WRK_RATE') or '0')
  if rate > 0 then interval = 1000 * n / rate end
  prefix = 'POST ' .. os.getenv('WRK_PATH') .. ' HTTP/1.1\r\nHost: ' .. wrk.host .. ':' .. wrk.port ..
    '\r\nContent-Type: application/json\r\nContent-Length: ' .. #body .. '\r\nAuthorization: Bearer '
  io.write(quota == 0 and 'wrk-ready\nwrk-thread-done\n' or 'wrk-ready\n')
  io.flush()
end

function delay()
  -- Out of buyers: this connection stays idle until the others are answered and the thread stops.
  if sent + scheduled >= quota then return 86400000 end
  scheduled = scheduled + 1
  if interval == 0 then return 0 end
  local t = now_ms()
  next_at = next_at or t
  local wait = next_at - t
  next_at = next_at + interval
  if -wait > behind_ms then behind_ms = -wait end
  return wait > 0 and math.floor(wait) or 0
end

function request()
  -- wrk calls request() once in its main state to check the script (no init() there): any request will do.
  if not prefix then return wrk.format('POST', '/', nil, body) end
  -- wrk also calls request() once per thread before connecting, and never sends that one.
  if scheduled == 0 then return prefix .. (tokens[1] or '-') .. '\r\n\r\n' .. body end
  scheduled = scheduled - 1
  sent = sent + 1
  first_ms = first_ms or now_ms()
  return prefix .. tokens[sent] .. '\r\n\r\n' .. body
end

function response(status, headers, answer)
  received = received + 1
  local t = now_ms()
  last_ms = t
  local key = tostring(status)
  if status >= 200 and status < 300 then
    admitted[#admitted + 1] = math.floor(t)
  else
    key = key .. ':' .. (string.match(answer or '', '"code"%s*:%s*"([%w_]+)"') or '')
  end
  counts[key] = (counts[key] or 0) + 1
  if received == quota then
    io.write('wrk-thread-done\n')
    io.flush()
    wrk.thread:stop()
  end
end

local function json(v)
  if type(v) == 'number' then return string.format('%.3f', v) end
  if type(v) == 'string' then return '"' .. v .. '"' end
  local out = {}
  if #v > 0 then
    for i = 1, #v do out[i] = json(v[i]) end
    return '[' .. table.concat(out, ',') .. ']'
  end
  for k, x in pairs(v) do out[#out + 1] = '"' .. tostring(k) .. '":' .. json(x) end
  return '{' .. table.concat(out, ',') .. '}'
end

function done(summary, latency, requests)
  local merged, times, first, last, behind = {}, {}, nil, nil, 0
  for _, t in ipairs(threads) do
    for k, n in pairs(t:get('counts') or {}) do merged[k] = (merged[k] or 0) + n end
    for _, at in ipairs(t:get('admitted') or {}) do times[#times + 1] = at end
    local f, l = t:get('first_ms'), t:get('last_ms')
    if f and (not first or f < first) then first = f end
    if l and (not last or l > last) then last = l end
    behind = math.max(behind, t:get('behind_ms') or 0)
  end
  local lat = { mean = latency.mean, max = latency.max }
  for _, p in ipairs({ 50, 90, 95, 99, 99.9 }) do lat['p' .. p] = latency:percentile(p) end
  local out = assert(io.open(os.getenv('WRK_OUT'), 'w'))
  out:write(json({
    requests = summary.requests,
    durationUs = summary.duration,
    errors = summary.errors,
    latencyUs = lat,
    counts = merged,
    firstMs = first or 0,
    lastMs = last or 0,
    behindMs = behind,
    admitted = times,
  }))
  out:close()
end
