import { Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { OrderRequestMessage } from '@app/contracts';
import { LuaScript, RedisService } from '@app/redis';
import { stockKeys } from '@app/stock';

export type TakeResult = 'T' | 'O' | 'X' | 'U' | '' | 'MISMATCH';

const take = new LuaScript(join(__dirname, 'take.lua'));
const ordered = new LuaScript(join(__dirname, 'ordered.lua'));

/** Moves reservations of one activity through T (taken) and O (ordered), one round trip per batch. */
@Injectable()
export class ReservationHandoff {
  constructor(private readonly redis: RedisService) {}

  async take(activityId: number, requests: OrderRequestMessage[]): Promise<TakeResult[]> {
    const k = stockKeys(activityId);
    const args = requests.flatMap((r) => [r.orderId, r.userId, String(r.quantity)]);
    return (await take.run(this.redis.client, [k.reservations, k.unconfirmed], args)) as TakeResult[];
  }

  async markOrdered(activityId: number, orderIds: string[]): Promise<void> {
    if (orderIds.length === 0) return;
    await ordered.run(this.redis.client, [stockKeys(activityId).reservations], orderIds);
  }
}
