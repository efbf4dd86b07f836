import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError, unavailable } from '@app/http';
import { counter } from '@app/observability';
import { RedisService } from '@app/redis';
import { RESERVATION_STATES, StockStore, stockKeys } from '@app/stock';
import { CLOCK, Clock } from '../risk/clock';
import { RiskChecks } from '../risk/risk-checks';
import { SoldOutFlags } from '../risk/sold-out-flags';
import { newOrderId } from './order-id';
import { OrderRequestPublisher } from './order-request.publisher';
import { purchaseRefusal } from './purchase-refusals';
import { ReservationScript } from './reservation.script';

const purchases = counter('seckill_purchases_total', 'Purchase attempts by outcome', ['outcome']);

export interface Queued {
  orderId: string;
  status: 'QUEUED';
}
export interface PurchaseRequest {
  activityId: number;
  userId: string;
  /** the client's address, as resolved by clientIp() */
  ip: string;
  quantity: number;
  idempotencyKey?: string;
}
export type PurchaseResult =
  { status: 'QUEUED' | 'CREATED' | 'FAILED'; orderId: string } | { status: 'NONE' };

@Injectable()
export class SeckillService {
  private readonly logger = new Logger(SeckillService.name);

  constructor(
    private readonly reservations: ReservationScript,
    private readonly publisher: OrderRequestPublisher,
    private readonly stock: StockStore,
    private readonly redis: RedisService,
    private readonly risk: RiskChecks,
    private readonly soldOut: SoldOutFlags,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Screen in process (no Redis), decide in one Redis round trip, hand the order to Kafka, answer.
   * Persisting happens downstream.
   */
  async purchase({ activityId, userId, ip, quantity, idempotencyKey }: PurchaseRequest): Promise<Queued> {
    const now = this.clock.now();
    await this.dependency(() =>
      this.risk.screen({ activityId, userId, ip, now, idempotent: idempotencyKey !== undefined }),
    );
    const orderId = newOrderId(now);
    const stamp = this.soldOut.changes.stamp(activityId);
    const outcome = await this.dependency(() =>
      this.reservations.reserve({ activityId, orderId, userId, quantity, now, idempotencyKey }),
    );
    purchases.inc({ outcome: outcome.code });
    // The answer shows the stock left: 0 sets this instance's sold-out flag (unless a newer change came in).
    if (outcome.remaining >= 0) this.soldOut.applyRead(activityId, outcome.remaining, stamp);
    if (outcome.code === 'DUPLICATE') return { orderId: outcome.orderId, status: 'QUEUED' };
    if (outcome.code !== 'OK') throw purchaseRefusal(activityId, outcome);

    try {
      await this.publisher.publish({ orderId, activityId, userId, quantity, reservedAt: now });
    } catch (err) {
      await this.undo(activityId, orderId, err);
    }
    return { orderId, status: 'QUEUED' };
  }

  /**
   * The publish failed: give the stock back, unless the order-service already took the reservation
   * (the message did arrive, or recovery re-published it) — then the order exists and the answer is 202.
   */
  private async undo(activityId: number, orderId: string, cause: unknown): Promise<void> {
    const reason = cause instanceof Error ? cause.message : String(cause);
    let undone: boolean;
    try {
      undone = await this.stock.release(
        activityId,
        orderId,
        [RESERVATION_STATES.RESERVED],
        RESERVATION_STATES.UNDONE,
      );
    } catch {
      // Redis is unreachable too: the reservation stands and recovery will publish it, so the order will exist.
      this.logger.error({ msg: 'publish failed and the reservation could not be undone', orderId, reason });
      return;
    }
    if (undone) {
      purchases.inc({ outcome: 'UNDONE' });
      this.logger.warn({ msg: 'publish failed, reservation undone', orderId, reason });
      throw unavailable();
    }
  }

  async result(activityId: number, userId: string): Promise<PurchaseResult> {
    const orderId = await this.dependency(() => this.redis.client.hget(stockKeys(activityId).buyers, userId));
    if (!orderId) return { status: 'NONE' };
    const reservation = await this.dependency(() => this.stock.reservation(activityId, orderId));
    switch (reservation?.state) {
      case 'R':
      case 'T':
        return { status: 'QUEUED', orderId };
      case 'O':
      case 'X':
        return { status: 'CREATED', orderId };
      default:
        return { status: 'FAILED', orderId };
    }
  }

  /** Redis unreachable → 503 UNAVAILABLE; nothing was reserved. Refusals pass through. */
  private async dependency<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof AppError) throw err;
      this.logger.warn({ msg: 'redis call failed', err: err instanceof Error ? err.message : String(err) });
      throw unavailable();
    }
  }
}
