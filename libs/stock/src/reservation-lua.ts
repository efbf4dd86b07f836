import { RESERVATION_STATES } from './reservation';
import { SALE_CHANNELS_LUA } from './sale-channels';

/**
 * The Lua twin of reservation.ts, prepended to every script that reads or writes reservation records:
 * the states by name and the record codec (`state|userId|quantity|reservedAt`, as parseReservation reads
 * it), so that no script spells a state letter or splits a record itself; and the clock `reservedAt` is on
 * (Redis's own, `redisNowMs`), which recovery judges ages by.
 */
export const RESERVATION_LUA = [
  ...Object.entries(RESERVATION_STATES).map(([name, letter]) => `local ${name} = '${letter}'`),
  `local function decodeReservation(record) return string.match(record, '^(%a)|([^|]*)|(%d+)|(%d+)$') end`,
  `local function encodeReservation(state, user, quantity, reservedAt)`,
  `  return state .. '|' .. user .. '|' .. quantity .. '|' .. reservedAt`,
  `end`,
  `local function stateOf(record) return record and string.sub(record, 1, 1) end`,
  `local function withState(record, state) return state .. string.sub(record, 2) end`,
  `local function isLiveState(state) return state == RESERVED or state == TAKEN or state == ORDERED end`,
  // A reservation's age is judged on one clock, Redis's, whatever the clocks of the gateways that made it.
  `local function redisNowMs()`,
  `  local t = redis.call('TIME')`,
  `  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`,
  `end`,
  // The stock debt a rebuild left in the meta (rebuild-stock.lua: more held than the stock, the excess not
  // taken from the remaining stock, which stays at 0), less up to `quantity`; returns how much it fell.
  `local function payDebt(metaKey, quantity)`,
  `  local debt = tonumber(redis.call('HGET', metaKey, 'stockDebt') or '0')`,
  `  local paid = math.min(debt, quantity)`,
  `  if paid > 0 then`,
  `    if paid == debt then redis.call('HDEL', metaKey, 'stockDebt')`,
  `    else redis.call('HINCRBY', metaKey, 'stockDebt', -paid) end`,
  `  end`,
  `  return paid`,
  `end`,
  // Units coming back (an undo, a release, a top-up, leftovers moved in) pay the debt first. Returns what
  // reached the stock key and the remaining stock after it.
  `local function giveBack(metaKey, stockKey, quantity)`,
  `  local paid = payDebt(metaKey, quantity)`,
  `  if quantity == paid then return 0, tonumber(redis.call('GET', stockKey) or '0') end`,
  `  return quantity - paid, redis.call('INCRBY', stockKey, quantity - paid)`,
  `end`,
  '',
].join('\n');

/**
 * Units back to a stock key (an undo, a release, leftovers moved in), through giveBack. When the stock comes
 * back from 0, publishes `<activityId>:<remaining>` on STOCK_CHANNEL: every gateway clears its in-process
 * sold-out flag. The id starts the stock key's hash tag — the activity's, or one of its stock shards'
 * `{42#1…}`, whose stock is then enough to clear the flag.
 */
const RETURN_STOCK_LUA = [
  `local function returnStock(metaKey, stockKey, quantity)`,
  `  local back, remaining = giveBack(metaKey, stockKey, quantity)`,
  `  local activityId = string.match(stockKey, '{(%d+)[}#]')`,
  `  if activityId and back > 0 and remaining == back then`,
  `    redis.call('PUBLISH', STOCK_CHANNEL, stockChange(activityId, remaining))`,
  `  end`,
  `end`,
  '',
].join('\n');

/** What every stock script starts with: the reservation's codec, the sale's channels, returnStock. */
export const STOCK_LUA = RESERVATION_LUA + SALE_CHANNELS_LUA + RETURN_STOCK_LUA;
