import { stockKeys } from '@app/stock';

/**
 * Redis keys of an activity's waiting room. They carry the activity's hash tag, like its stock keys, so
 * the room's scripts (which read the stock) run in the activity's one Redis Cluster slot.
 */
export interface RoomKeys {
  /** hash: joined, preQueue (arrivals before the start), seed, serving, lastAt, credit */
  room: string;
  /** hash: userId → arrival number (1-based): one place per buyer */
  places: string;
  /** sorted set: position → deadline (Redis ms), the places admitted and not done */
  admitted: string;
  /** sorted set: `first:last` positions of one admission batch → its deadline (Redis ms) */
  grants: string;
  /** the activity's remaining stock (libs/stock) */
  stock: string;
}

export function roomKeys(activityId: number): RoomKeys {
  const prefix = `seckill:{${activityId}}:room`;
  return {
    room: prefix,
    places: `${prefix}:places`,
    admitted: `${prefix}:admitted`,
    grants: `${prefix}:grants`,
    stock: stockKeys(activityId).stock,
  };
}
