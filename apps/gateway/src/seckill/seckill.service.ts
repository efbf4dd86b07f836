import { Inject, Injectable, Logger } from '@nestjs/common';
import { unavailable } from '@app/common';
import { counter } from '@app/observability';
import { StockStore, buyerOutcome } from '@app/stock';
import { CLOCK, Clock } from '../risk/clock';
import { Refusal, scriptRefusal } from '../purchase-core/refusal';
import { RiskChecks } from '../risk/risk-checks';
import { SoldOutFlags } from '../risk/sold-out-flags';
import { AbandonedAttempts } from './abandoned-attempts';
import { newOrderId } from './order-id';
import { OrderRequestRelay } from './order-request.relay';
import { ReservationScript, ReserveCode } from './reservation.script';
import { ShardedReservation } from './sharded-reservation';

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
    private readonly sharded: ShardedReservation,
    private readonly relay: OrderRequestRelay,
    private readonly stock: StockStore,
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
        return this.unavailable('reading the sale window failed', err, req.correlationId);
      }
    }
    if (screened) return { kind: 'refused', refusal: screened };

    const orderId = newOrderId(now);
    const stamp = this.soldOut.stamp(activityId);
    const attempt = { activityId, orderId, userId, quantity, now, idempotencyKey };
    let outcome;
    try {
      // Unsharded (the usual case): one call, as before shards existed. A sharded activity this instance
      // has not met yet answers SHARDED from its own keys, once.
      const shards = this.sharded.shardsOf(activityId);
      outcome = shards
        ? await this.sharded.reserve(attempt, shards)
        : await this.reservations.reserve(attempt);
      if (outcome.code === 'SHARDED') outcome = await this.sharded.reserve(attempt, outcome.remaining);
    } catch (err) {
      // The script may have run and its reply been lost: the 503 must stay true, so the attempt is abandoned
      // (recorded in PostgreSQL before the answer, undone in Redis).
      await this.abandoned.add({ activityId, orderId, userId, at: now });
      return this.unavailable('the reservation script failed', err, req.correlationId);
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
      case 'SHARDED':
        return UNAVAILABLE; // cannot happen for a fresh order id, nor twice; kept total for the type's sake
      default:
        return { kind: 'refused', refusal: scriptRefusal(activityId, outcome) };
    }
  }

  /** `/result`: what became of the buyer's latest attempt, from its reservation. Redis down → 503. */
  async result(activityId: number, userId: string): Promise<PurchaseResult> {
    try {
      const orderId = await this.stock.latestOf(activityId, userId);
      if (!orderId) return { status: 'NONE' };
      const reservation = await this.stock.reservation(activityId, { orderId, userId });
      return { status: buyerOutcome(reservation?.state), orderId };
    } catch (err) {
      this.logger.warn({
        msg: 'reading a result failed',
        err: err instanceof Error ? err.message : String(err),
      });
      throw unavailable();
    }
  }

  /** `correlationId` named on the line: the hot route opens no correlation scope (JsonLogger). */
  private unavailable(msg: string, err: unknown, correlationId: string): PurchaseOutcome {
    countOutcome('UNAVAILABLE');
    this.logger.warn({ msg, correlationId, err: err instanceof Error ? err.message : String(err) });
    return UNAVAILABLE;
  }
}
