import { WaitingRoomRules, waitingRoomMeta } from '@app/contracts';
import { ActivityChange } from './sale-channels';

/** The fields of an activity's PostgreSQL row that Redis holds a copy of. */
export interface ActivityRecord {
  id: number;
  stock: number;
  startsAt: Date;
  endsAt: Date;
  perUserLimit: number;
  payTimeoutSeconds: number;
  purchaseToken: boolean;
  challengeBits: number;
  stockShards: number;
  waitingRoom: WaitingRoomRules | null;
}

/**
 * The meta hash of an activity (or of each of its stock shards), as the warm-up writes it and a rebuild
 * from the ledger writes it back: one list, so that a rebuilt activity is the activity that was created,
 * bot defences included (the gateways read them from here: WINDOW_FIELDS). A sharded activity's own meta
 * adds `stockShards`; a rebuild adds `rebuilds`.
 */
export function activityMeta(a: ActivityRecord): Record<string, number> {
  return {
    startsAt: a.startsAt.getTime(),
    endsAt: a.endsAt.getTime(),
    perUserLimit: a.perUserLimit,
    payTimeoutSeconds: a.payTimeoutSeconds,
    stock: a.stock,
    purchaseToken: a.purchaseToken ? 1 : 0,
    challengeBits: a.challengeBits,
    ...(a.waitingRoom ? waitingRoomMeta(a.waitingRoom) : {}),
  };
}

/** The activity channel's message for the whole activity: its window and, when it has them, its defences and room. */
export function activityChangeOf(a: ActivityRecord): ActivityChange {
  const change: ActivityChange = { id: a.id, startsAt: a.startsAt.getTime(), endsAt: a.endsAt.getTime() };
  if (a.purchaseToken) Object.assign(change, { purchaseToken: true, challengeBits: a.challengeBits });
  if (a.waitingRoom) change.waitingRoom = a.waitingRoom;
  return change;
}
