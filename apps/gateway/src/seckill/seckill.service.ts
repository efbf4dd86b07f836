import { Inject, Injectable, Logger } from '@nestjs/common';
import { unavailable } from '@app/common';
import { counter } from '@app/observability';
import { RedisService } from '@app/redis';
import { StockStore, buyerOutcome, stockKeys } from '@app/stock';
import { CLOCK, Clock } from '../risk/clock';
import { Refusal, scriptRefusal } from './refusal';
import { RiskChecks } from '../risk/risk-checks';
import { SoldOutFlags } from '../risk/sold-out-flags';
import { AbandonedAttempts } from './abandoned-attempts';
import { newOrderId } from './order-id';
import { OrderRequestRelay } from './order-request.relay';
import { ReservationScript, ReserveCode } from './reservation.script';

const purchases = counter('seckill_purchases_total', 'Purchase attempts by outcome', ['outcome']);
/** One child per outcome, made once: labelling a counter on every purchase costs a lookup by string. */
const byOutcome = new Map<string, ReturnType<typeof purchases.labels>>();
const countOutcome = (outcome: ReserveCode | 'UNAVAILABLE') => {
  let child = byOutcome.get(outcome);
  if (!child) byOutcome.set(outcome, (child = purchases.labels(outcome)));
  child.inc();
};

export interface PurchaseRequest {
  activityId: number;
  userId: string;
  /** the client's address, as resolved by clientIp() */
  ip: string;
  quantity: number;
  idempotencyKey?: string;
  correlationId: string;
}
/** What a purchase came to: admitted (202), refused (4xx), or a dependency down (503, nothing taken). */
export type PurchaseOutcome =
  { kind: 'queued'; orderId: string } | { kind: 'refused'; refusal: Refusal } | { kind: 'unavailable' };
export type PurchaseResult =
  { status: 'QUEUED' | 'CREATED' | 'FAILED'; orderId: string } | { status: 'NONE' };

const UNAVAILABLE: PurchaseOutcome = { kind: 'unavailable' };

@Injectable()
export class SeckillService {
  private readonly logger = new Logger(SeckillService.name);

  constructor(
    private readonly reservations: ReservationScript,
    private readonly relay: OrderRequestRelay,
    private readonly stock: StockStore,
    private readonly redis: RedisService,
    private readonly risk: RiskChecks,
    private readonly soldOut: SoldOutFlags,
    private readonly abandoned: AbandonedAttempts,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Screen in process (no Redis), decide in one Redis round trip, answer. The reservation the script
   * writes is the outbox: once it exists the order will (the relay publishes it now, recovery later if
   * that fails), so the answer does not wait for Kafka.
   */
  async purchase(req: PurchaseRequest): Promise<PurchaseOutcome> {
    const { activityId, userId, ip, quantity, idempotencyKey } = req;
    const now = this.clock.now();
    let screened = this.risk.screen({
      activityId,
      userId,
      ip,
      now,
      idempotent: idempotencyKey !== undefined,
    });
    if (screened instanceof Promise) {
      try {
        screened = await screened;
      } catch (err) {
        return this.unavailable('reading the sale window failed', err);
      }
    }
    if (screened) return { kind: 'refused', refusal: screened };

    const orderId = newOrderId(now);
    const stamp = this.soldOut.stamp(activityId);
    let outcome;
    try {
      outcome = await this.reservations.reserve({
        activityId,
        orderId,
        userId,
        quantity,
        now,
        idempotencyKey,
      });
    } catch (err) {
      // The script may have run and its reply been lost: the 503 must stay true, so the attempt is abandoned.
      this.abandoned.add({ activityId, orderId, userId, at: now });
      return this.unavailable('the reservation script failed', err);
    }
    countOutcome(outcome.code);
    // The answer shows the stock left: 0 sets this instance's sold-out flag (unless a newer change came in).
    if (outcome.remaining >= 0) this.soldOut.applyRead(activityId, outcome.remaining, stamp);
    switch (outcome.code) {
      case 'OK':
        this.relay.relay({ orderId, activityId, userId, quantity, reservedAt: now }, req.correlationId);
        return { kind: 'queued', orderId };
      case 'DUPLICATE':
        return { kind: 'queued', orderId: outcome.orderId };
      case 'ABANDONED':
        return UNAVAILABLE; // cannot happen for a fresh order id; kept total for the type's sake
      default:
        return { kind: 'refused', refusal: scriptRefusal(activityId, outcome) };
    }
  }

  /** `/result`: what became of the buyer's latest attempt, from its reservation. Redis down → 503. */
  async result(activityId: number, userId: string): Promise<PurchaseResult> {
    try {
      const orderId = await this.redis.client.hget(stockKeys(activityId).buyers, userId);
      if (!orderId) return { status: 'NONE' };
      const reservation = await this.stock.reservation(activityId, orderId);
      return { status: buyerOutcome(reservation?.state), orderId };
    } catch (err) {
      this.logger.warn({
        msg: 'reading a result failed',
        err: err instanceof Error ? err.message : String(err),
      });
      throw unavailable();
    }
  }

  private unavailable(msg: string, err: unknown): PurchaseOutcome {
    countOutcome('UNAVAILABLE');
    this.logger.warn({ msg, err: err instanceof Error ? err.message : String(err) });
    return UNAVAILABLE;
  }
}
