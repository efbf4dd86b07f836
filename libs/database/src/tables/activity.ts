import { WaitingRoomRules } from '@app/contracts';

/** A flash sale, a row of `activities`: `stock` items sold between `startsAt` and `endsAt`. */
export interface Activity {
  id: number;
  name: string;
  stock: number;
  startsAt: Date;
  endsAt: Date;
  perUserLimit: number;
  payTimeoutSeconds: number;
  /** Times its Redis state was rebuilt from the orders (the ledger); see libs/stock/src/stock-rebuild.ts. */
  rebuilds: number;
  /** Purchases need a short-lived purchase token (see apps/gateway/src/defences). */
  purchaseToken: boolean;
  /** Leading zero bits of the proof-of-work asked before a purchase token; 0 = no challenge. */
  challengeBits: number;
  /** Sub-stocks the stock is split into in Redis (hot-item stock shards); 1 = unsharded. */
  stockShards: number;
  /** The waiting room in front of the sale (apps/gateway/src/waiting-room); null = none. */
  waitingRoom: WaitingRoomRules | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What creating an activity gives; the defences, shards and waiting room are off unless given. */
export type NewActivity = Pick<
  Activity,
  'name' | 'stock' | 'startsAt' | 'endsAt' | 'perUserLimit' | 'payTimeoutSeconds'
> &
  Partial<Pick<Activity, 'purchaseToken' | 'challengeBits' | 'stockShards' | 'waitingRoom'>>;
