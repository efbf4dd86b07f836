/**
 * Pub/sub channels that keep every gateway instance's in-process copies in step (RiskEvents subscribes).
 * Publishers put the message in the same step as the change (inside the Lua script or MULTI), so messages
 * arrive in the order the changes happened.
 */
export const RISK_CHANNELS = {
  /**
   * `<activityId>:<remaining>`. Published by reserve.lua when it sells the last unit, by
   * libs/stock/src/release.lua when stock comes back from 0 (a timeout or an undo), and by
   * activity-update.lua on a top-up.
   */
  stock: 'seckill:stock-changes',
  /**
   * `{"id":…,"startsAt":…,"endsAt":…}` (epoch ms; plus `"purchaseToken":true,"challengeBits":…` at the
   * creation of an activity with defences): an activity was created or updated.
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
}

export function formatActivityChange(change: ActivityChange): string {
  return JSON.stringify(change);
}

export function parseActivityChange(message: string): ActivityChange | null {
  try {
    const { id, startsAt, endsAt, purchaseToken, challengeBits } = JSON.parse(
      message,
    ) as Partial<ActivityChange>;
    const numbers = [id, startsAt, endsAt].every((n) => typeof n === 'number' && Number.isFinite(n));
    if (!numbers) return null;
    const change: ActivityChange = { id: id!, startsAt: startsAt!, endsAt: endsAt! };
    if (purchaseToken === true) {
      Object.assign(change, { purchaseToken, challengeBits: Number(challengeBits) || 0 });
    }
    return change;
  } catch {
    return null;
  }
}
