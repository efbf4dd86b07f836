import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Message } from 'kafkajs';
import { APP_CONFIG, AppConfig } from '@app/config';
import { OrderRequestMessage, TOPICS } from '@app/contracts';
import { KafkaProducerService } from '@app/kafka';
import { counter } from '@app/observability';
import { RedisService } from '@app/redis';
import { ACTIVE_ACTIVITIES_KEY, StockStore, stockKeys } from '@app/stock';

const recovered = counter(
  'reservations_recovered_total',
  'Reservations re-published after the gateway did not',
);
const SCAN_LIMIT = 500;

/**
 * Closes the gap between "stock reserved" and "request on Kafka": if the gateway died in between,
 * its reservation stays RESERVED in Redis. Reservations older than RESERVATION_RECOVERY_AFTER_MS are
 * published again; the order id as the primary key makes a second copy harmless.
 */
@Injectable()
export class ReservationRecoveryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReservationRecoveryService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly stock: StockStore,
    private readonly producer: KafkaProducerService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.recover()
        .catch((err: Error) => this.logger.warn({ msg: 'recovery pass failed', err: err.message }))
        .finally(() => (this.running = undefined));
    }, this.config.RESERVATION_RECOVERY_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over every activity; returns how many reservations were re-published. */
  async recover(now = Date.now()): Promise<number> {
    const olderThan = now - this.config.RESERVATION_RECOVERY_AFTER_MS;
    let total = 0;
    for (const id of await this.redis.client.smembers(ACTIVE_ACTIVITIES_KEY)) {
      const activityId = Number(id);
      const orderIds = await this.redis.client.zrangebyscore(
        stockKeys(activityId).unconfirmed,
        '-inf',
        olderThan,
        'LIMIT',
        0,
        SCAN_LIMIT,
      );
      const messages: Message[] = [];
      for (const orderId of orderIds) {
        const r = await this.stock.reservation(activityId, orderId);
        if (r?.state !== 'R') continue;
        const request: OrderRequestMessage = {
          orderId,
          activityId,
          userId: r.userId,
          quantity: r.quantity,
          reservedAt: r.reservedAt,
        };
        messages.push({ key: orderId, value: JSON.stringify(request) });
      }
      if (messages.length === 0) continue;
      await this.producer.send(TOPICS.orderRequests, messages);
      total += messages.length;
      this.logger.warn({ msg: 'unpublished reservations re-published', activityId, count: messages.length });
    }
    recovered.inc(total);
    return total;
  }
}
