import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Message } from 'kafkajs';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { OrderRequestMessage, TOPICS } from '@app/contracts';
import { PeriodicService } from '@app/common';
import { KafkaProducerService } from '@app/kafka';
import { counter } from '@app/observability';
import { RedisService, redisNow } from '@app/redis';
import {
  SELLING_HOLD_MS,
  StockKeys,
  StockStore,
  allShardKeys,
  announceSelling,
  completeTransfers,
  leaveSelling,
  parseReservation,
  sellingActivities,
  stockKeys,
  transfersPending,
} from '@app/stock';
import { OpenActivityTurns } from './open-activities';

const recovered = counter(
  'reservations_recovered_total',
  'Reservations re-published after the gateway did not',
);
const transfersCompleted = counter(
  'stock_transfers_completed_total',
  'Leftover stock transfers between shards completed by recovery (the gateway stopped between the steps)',
);
const SCAN_LIMIT = 500;
/** Open activities the backstop looks at per run, in turn (10,000 open ones: each every ~17 min at 1 s). */
const BACKSTOP_PER_RUN = 10;

/** What one look at an activity did: how many it re-published, and whether anything is still in flight. */
interface Visit {
  published: number;
  inFlight: boolean;
}

/**
 * Closes the gap between "stock reserved" and "request on Kafka": if the gateway died in between,
 * its reservation stays RESERVED in Redis. Reservations older than RESERVATION_RECOVERY_AFTER_MS are
 * published again; the order id as the primary key makes a second copy harmless.
 * It visits the activities gateways announced they sell in (selling-activities.ts), each until nothing of
 * it is in flight and no announcement came for SELLING_HOLD_MS: its work follows the sales going on, not
 * the catalogue. A backstop for an announcement that failed looks at a few open activities per run, in turn.
 */
@Injectable()
export class ReservationRecoveryService extends PeriodicService {
  /** the backstop: a few open activities a run, in turn */
  private readonly turns: OpenActivityTurns;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() db: DataSource,
    private readonly redis: RedisService,
    private readonly producer: KafkaProducerService,
    private readonly stock: StockStore,
  ) {
    super('reservation recovery', config.RESERVATION_RECOVERY_INTERVAL_MS);
    this.turns = new OpenActivityTurns(db, BACKSTOP_PER_RUN);
  }

  protected tick(): Promise<unknown> {
    return this.recover();
  }

  /**
   * One pass over the selling activities and the backstop's turn; returns how many reservations were
   * re-published. Ages are judged on Redis's clock, the one reservations are stamped with (a test may pass
   * another `now`).
   */
  async recover(now?: number): Promise<number> {
    now ??= await redisNow(this.redis.client);
    const selling = await sellingActivities(this.redis.client);
    let total = 0;
    for (const { id, stamp } of selling) {
      const visit = await this.recoverActivity(id, now);
      total += visit.published;
      if (!visit.inFlight && stamp < now - SELLING_HOLD_MS) await leaveSelling(this.redis.client, id, stamp);
    }
    const seen = new Set(selling.map((s) => s.id));
    for (const { id, shards } of await this.turns.next()) {
      if (seen.has(id)) continue;
      const visit = await this.recoverActivity(id, now, shards);
      total += visit.published;
      // Unannounced, yet something in flight: visited with the others until it is done.
      if (visit.inFlight) await announceSelling(this.redis.client, [id], SELLING_HOLD_MS + 1);
    }
    recovered.inc(total);
    return total;
  }

  /**
   * `known`: its shard count, when the caller read it from the ledger. A sharded activity: every shard's unconfirmed reservations, and the leftovers a gateway took out of
   * one shard and did not get to apply to the other (killed between the two steps) are applied now.
   */
  private async recoverActivity(activityId: number, now: number, known?: number): Promise<Visit> {
    const shards = known ?? (await this.stock.shards(activityId));
    if (shards <= 1) return this.recoverShard(activityId, stockKeys(activityId), now);
    const olderThan = now - this.config.RESERVATION_RECOVERY_AFTER_MS;
    const completed = await completeTransfers(this.redis.client, activityId, shards, olderThan);
    if (completed > 0) {
      transfersCompleted.inc(completed);
      this.logger.warn({ msg: 'half-done stock transfers completed', activityId, count: completed });
    }
    const visit: Visit = { published: 0, inFlight: false };
    for (const k of allShardKeys(activityId, shards)) {
      const one = await this.recoverShard(activityId, k, now);
      visit.published += one.published;
      visit.inFlight ||= one.inFlight;
    }
    visit.inFlight ||= await transfersPending(this.redis.client, activityId, shards);
    return visit;
  }

  private async recoverShard(activityId: number, k: StockKeys, now: number): Promise<Visit> {
    // Most visits end here: nothing unconfirmed (an empty sorted set is no key at all).
    if ((await this.redis.client.zcard(k.unconfirmed)) === 0) return { published: 0, inFlight: false };
    const olderThan = now - this.config.RESERVATION_RECOVERY_AFTER_MS;
    const orderIds = await this.redis.client.zrangebyscore(
      k.unconfirmed,
      '-inf',
      olderThan,
      'LIMIT',
      0,
      SCAN_LIMIT,
    );
    if (orderIds.length === 0) return { published: 0, inFlight: true };
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
    if (messages.length === 0) return { published: 0, inFlight: true };
    await this.producer.send(TOPICS.orderRequests, messages);
    // Re-published now: not again before another RESERVATION_RECOVERY_AFTER_MS, so a consumer that is merely
    // behind is not flooded with copies. XX: an entry the order-service removed meanwhile stays removed.
    await this.redis.client.zadd(k.unconfirmed, 'XX', ...messages.flatMap((m) => [now, String(m.key)]));
    this.logger.warn({ msg: 'unpublished reservations re-published', activityId, count: messages.length });
    return { published: messages.length, inFlight: true };
  }
}
