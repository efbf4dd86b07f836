import { Inject, Injectable } from '@nestjs/common';
import { Message } from 'kafkajs';
import { join } from 'node:path';
import { APP_CONFIG, AppConfig } from '@app/config';
import { OrderRequestMessage, TOPICS } from '@app/contracts';
import { PeriodicService } from '@app/common';
import { KafkaProducerService } from '@app/kafka';
import { counter } from '@app/observability';
import { LuaScript, RedisService, redisNow } from '@app/redis';
import {
  ACTIVE_ACTIVITIES_KEY,
  StockKeys,
  StockStore,
  allShardKeys,
  completeTransfers,
  parseReservation,
  stockKeys,
} from '@app/stock';

const recovered = counter(
  'reservations_recovered_total',
  'Reservations re-published after the gateway did not',
);
const transfersCompleted = counter(
  'stock_transfers_completed_total',
  'Leftover stock transfers between shards completed by recovery (the gateway stopped between the steps)',
);
const SCAN_LIMIT = 500;
const forget = new LuaScript(join(__dirname, 'forget.lua'));

/**
 * Closes the gap between "stock reserved" and "request on Kafka": if the gateway died in between,
 * its reservation stays RESERVED in Redis. Reservations older than RESERVATION_RECOVERY_AFTER_MS are
 * published again; the order id as the primary key makes a second copy harmless.
 */
@Injectable()
export class ReservationRecoveryService extends PeriodicService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly producer: KafkaProducerService,
    private readonly stock: StockStore,
  ) {
    super('reservation recovery', config.RESERVATION_RECOVERY_INTERVAL_MS);
  }

  protected tick(): Promise<unknown> {
    return this.recover();
  }

  /**
   * One pass over every activity; returns how many reservations were re-published. Ages are judged on
   * Redis's clock, the one reservations are stamped with (a test may pass another `now`).
   */
  async recover(now?: number): Promise<number> {
    now ??= await redisNow(this.redis.client);
    let total = 0;
    for (const id of await this.redis.client.smembers(ACTIVE_ACTIVITIES_KEY)) {
      total += await this.recoverActivity(Number(id), now);
    }
    recovered.inc(total);
    return total;
  }

  /**
   * A sharded activity: every shard's unconfirmed reservations, and the leftovers a gateway took out of
   * one shard and did not get to apply to the other (killed between the two steps) are applied now.
   */
  private async recoverActivity(activityId: number, now: number): Promise<number> {
    const shards = await this.stock.shards(activityId);
    if (shards <= 1) return this.recoverShard(activityId, stockKeys(activityId), now, false);
    const olderThan = now - this.config.RESERVATION_RECOVERY_AFTER_MS;
    const completed = await completeTransfers(this.redis.client, activityId, shards, olderThan);
    if (completed > 0) {
      transfersCompleted.inc(completed);
      this.logger.warn({ msg: 'half-done stock transfers completed', activityId, count: completed });
    }
    const keys = allShardKeys(activityId, shards);
    let total = 0;
    for (const k of keys) total += await this.recoverShard(activityId, k, now);
    return total > 0 ? total : this.forgetIfOver(activityId, now, keys);
  }

  private async recoverShard(activityId: number, k: StockKeys, now: number, isShard = true): Promise<number> {
    const olderThan = now - this.config.RESERVATION_RECOVERY_AFTER_MS;
    const orderIds = await this.redis.client.zrangebyscore(
      k.unconfirmed,
      '-inf',
      olderThan,
      'LIMIT',
      0,
      SCAN_LIMIT,
    );
    if (orderIds.length === 0) return isShard ? 0 : this.forgetIfOver(activityId, now, [k]);
    const records = await this.redis.client.hmget(k.reservations, ...orderIds);
    const messages: Message[] = [];
    orderIds.forEach((orderId, i) => {
      const r = records[i] === null ? null : parseReservation(orderId, records[i]!);
      if (r?.state !== 'R') return;
      const request: OrderRequestMessage = {
        orderId,
        activityId,
        userId: r.userId,
        quantity: r.quantity,
        reservedAt: r.reservedAt,
      };
      messages.push({ key: orderId, value: JSON.stringify(request) });
    });
    if (messages.length === 0) return 0;
    await this.producer.send(TOPICS.orderRequests, messages);
    // Re-published now: not again before another RESERVATION_RECOVERY_AFTER_MS, so a consumer that is merely
    // behind is not flooded with copies. XX: an entry the order-service removed meanwhile stays removed.
    await this.redis.client.zadd(k.unconfirmed, 'XX', ...messages.flatMap((m) => [now, String(m.key)]));
    this.logger.warn({ msg: 'unpublished reservations re-published', activityId, count: messages.length });
    return messages.length;
  }

  /**
   * An activity that has ended and has nothing left unconfirmed (in any of its shards, and no transfer
   * between them half done) can never need recovery again.
   */
  private async forgetIfOver(activityId: number, now: number, keys: StockKeys[]): Promise<number> {
    for (const k of keys) {
      const over = await forget.run(
        this.redis.client,
        [k.meta, k.unconfirmed],
        [now, this.config.RESERVATION_RECOVERY_AFTER_MS],
      );
      if (over !== 1 || (keys.length > 1 && (await this.redis.client.hlen(k.transfersOut)) > 0)) return 0;
    }
    await this.redis.client.srem(ACTIVE_ACTIVITIES_KEY, String(activityId));
    return 0;
  }
}
