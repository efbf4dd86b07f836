import { Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { OrderRequestMessage } from '@app/contracts';
import { LuaScript, RedisService } from '@app/redis';
import { stockKeys } from '@app/stock';

export type TakeResult = 'T' | 'O' | 'X' | 'U' | 'F' | '' | 'MISMATCH';

export interface Taken {
  /** the activity's rebuild count the states were read under; -1: Redis has no state for the activity */
  rebuilds: number;
  states: TakeResult[];
}

const take = new LuaScript(join(__dirname, 'take.lua'));
const ordered = new LuaScript(join(__dirname, 'ordered.lua'));
const failed = new LuaScript(join(__dirname, 'failed.lua'));

/** Moves reservations of one activity through T (taken), then O (ordered) or F (failed), one round trip each. */
@Injectable()
export class ReservationHandoff {
  constructor(private readonly redis: RedisService) {}

  async take(activityId: number, requests: OrderRequestMessage[]): Promise<Taken> {
    const k = stockKeys(activityId);
    const args = requests.flatMap((r) => [r.orderId, r.userId, String(r.quantity)]);
    const [rebuilds, ...states] = (await take.run(
      this.redis.client,
      [k.reservations, k.unconfirmed, k.meta, k.buyers],
      args,
    )) as [number, ...TakeResult[]];
    return { rebuilds, states };
  }

  async markOrdered(activityId: number, orderIds: string[]): Promise<void> {
    if (orderIds.length === 0) return;
    await ordered.run(this.redis.client, [stockKeys(activityId).reservations], orderIds);
  }

  async markFailed(activityId: number, orderIds: string[]): Promise<void> {
    if (orderIds.length === 0) return;
    await failed.run(this.redis.client, [stockKeys(activityId).reservations], orderIds);
  }
}
