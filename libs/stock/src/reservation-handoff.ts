import { Injectable } from '@nestjs/common';
import { OrderRequestMessage } from '@app/contracts';
import { RedisService } from '@app/redis';
import { RESERVATION_STATES } from './reservation';
import { stockKeys } from './stock-keys';
import { STOCK_SCRIPTS } from './stock-scripts';

export type TakeResult = 'T' | 'O' | 'X' | 'U' | 'F' | '' | 'MISMATCH';

export interface Taken {
  /** the activity's rebuild count the states were read under; -1: Redis has no state for the activity */
  rebuilds: number;
  states: TakeResult[];
}

/** Moves reservations of one activity through T (taken), then O (ordered) or F (failed), one round trip each. */
@Injectable()
export class ReservationHandoff {
  constructor(private readonly redis: RedisService) {}

  async take(activityId: number, requests: OrderRequestMessage[]): Promise<Taken> {
    const k = stockKeys(activityId);
    const args = requests.flatMap((r) => [r.orderId, r.userId, String(r.quantity)]);
    const [rebuilds, ...states] = (await STOCK_SCRIPTS.take.run(
      this.redis.client,
      [k.reservations, k.unconfirmed, k.meta, k.buyers],
      args,
    )) as [number, ...TakeResult[]];
    return { rebuilds, states };
  }

  async markOrdered(activityId: number, orderIds: string[]): Promise<void> {
    if (orderIds.length === 0) return;
    await this.settle(activityId, RESERVATION_STATES.ORDERED, orderIds);
  }

  async markFailed(activityId: number, orderIds: string[]): Promise<void> {
    if (orderIds.length === 0) return;
    await this.settle(activityId, RESERVATION_STATES.FAILED, orderIds);
  }

  private settle(activityId: number, state: string, orderIds: string[]): Promise<unknown> {
    return STOCK_SCRIPTS.settle.run(
      this.redis.client,
      [stockKeys(activityId).reservations],
      [state, ...orderIds],
    );
  }
}
