import { WaitingRoomRules, parseWaitingRoomRules } from '@app/contracts';

/**
 * The sale's pub/sub protocol: channels that keep every gateway instance's in-process copies in step
 * (the gateway's RiskEvents subscribes). Publishers put the message in the same step as the change
 * (inside the Lua script or MULTI), so messages arrive in the order the changes happened. The Lua
 * publishers get the names and message formats from here too (SALE_CHANNELS_LUA).
 */
export const SALE_CHANNELS = {
  /**
   * `<activityId>:<remaining>`. Published by reserve.lua when it sells the last unit, by returnStock when stock
   * comes back from 0 (release, abandon, leftovers moved in), by activity-update.lua on a top-up and by a
   * rebuild.
   */
  stock: 'seckill:stock-changes',
  /**
   * `{"id":…,"startsAt":…,"endsAt":…}` (epoch ms; plus `"purchaseToken":true,"challengeBits":…` for an
   * activity with defences, `"waitingRoom":{…}` for one with a waiting room): an activity was created,
   * updated or rebuilt.
   */
  activity: 'seckill:activity-changes',
  /** the blacklist's new version: reload it. */
  blacklist: 'seckill:blacklist-changes',
} as const;

export interface StockChange {
  activityId: number;
  remaining: number;
}

export function parseStockChange(message: string): StockChange | null {
  const match = /^(\d+):(-?\d+)$/.exec(message);
  return match ? { activityId: Number(match[1]), remaining: Number(match[2]) } : null;
}

export interface ActivityChange {
  id: number;
  startsAt: number;
  endsAt: number;
  purchaseToken?: boolean;
  challengeBits?: number;
  waitingRoom?: WaitingRoomRules;
}

export function formatActivityChange(change: ActivityChange): string {
  return JSON.stringify(change);
}

/**
 * Prepended to every Lua script that publishes: the channel names, and the two messages as Lua
 * functions. An activity's message carries its defences as its meta holds them (`purchaseToken`,
 * `challengeBits`), as activityChangeOf does in TypeScript: a gateway that learns of the activity from
 * any message (an update, a rebuild) knows it needs a token.
 */
export const SALE_CHANNELS_LUA = [
  `local STOCK_CHANNEL = '${SALE_CHANNELS.stock}'`,
  `local ACTIVITY_CHANNEL = '${SALE_CHANNELS.activity}'`,
  `local function stockChange(activityId, remaining) return activityId .. ':' .. remaining end`,
  `local function activityChange(activityId, startsAt, endsAt, purchaseToken, challengeBits)`,
  `  local window = string.format('{"id":%s,"startsAt":%.0f,"endsAt":%.0f', activityId, startsAt, endsAt)`,
  `  if purchaseToken ~= '1' then return window .. '}' end`,
  `  return window .. string.format(',"purchaseToken":true,"challengeBits":%d}', tonumber(challengeBits) or 0)`,
  `end`,
  '',
].join('\n');

export function parseActivityChange(message: string): ActivityChange | null {
  try {
    const { id, startsAt, endsAt, purchaseToken, challengeBits, waitingRoom } = JSON.parse(
      message,
    ) as Partial<ActivityChange>;
    const numbers = [id, startsAt, endsAt].every((n) => typeof n === 'number' && Number.isFinite(n));
    if (!numbers) return null;
    const change: ActivityChange = { id: id!, startsAt: startsAt!, endsAt: endsAt! };
    if (purchaseToken === true) {
      Object.assign(change, { purchaseToken, challengeBits: Number(challengeBits) || 0 });
    }
    const room = parseWaitingRoomRules(waitingRoom);
    if (room) change.waitingRoom = room;
    return change;
  } catch {
    return null;
  }
}
