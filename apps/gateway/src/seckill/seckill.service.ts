import { Injectable, Logger } from '@nestjs/common';
import { unavailable } from '@app/common';
import {
  Purchase,
  PurchaseOutcome,
  isRefusalReason,
  newOrderId,
  orderRequestOf,
  refuse,
} from '@app/contracts';
import { counter } from '@app/observability';
import {
  Reservations,
  ReserveCode,
  ReserveReply,
  SalesHeldError,
  StockStore,
  buyerOutcome,
} from '@app/stock';
import { ActivityWindow } from '../risk/activity-windows';
import { RiskChecks } from '../risk/risk-checks';
import { SoldOutFlags } from '../risk/sold-out-flags';
import { AbandonedAttempts } from './abandoned-attempts';
import { OrderRequestRelay } from './order-request.relay';
import { SaleHold } from './sale-hold';

const purchases = counter('seckill_purchases_total', 'Purchase attempts by outcome', ['outcome']);
/** One child per outcome, made once: labelling a counter on every purchase costs a lookup by string. */
const byOutcome = new Map<string, ReturnType<typeof purchases.labels>>();
const countOutcome = (outcome: ReserveCode | 'UNAVAILABLE') => {
  let child = byOutcome.get(outcome);
  if (!child) byOutcome.set(outcome, (child = purchases.labels(outcome)));
  child.inc();
};

export type PurchaseResult =
  { status: 'QUEUED' | 'CREATED' | 'FAILED'; orderId: string } | { status: 'NONE' };

const UNAVAILABLE: PurchaseOutcome = { kind: 'unavailable' };

@Injectable()
export class SeckillService {
  private readonly logger = new Logger(SeckillService.name);

  constructor(
    private readonly reservations: Reservations,
    private readonly relay: OrderRequestRelay,
    private readonly stock: StockStore,
    private readonly risk: RiskChecks,
    private readonly soldOut: SoldOutFlags,
    private readonly abandoned: AbandonedAttempts,
    private readonly hold: SaleHold,
  ) {}

  /**
   * Screen in process (no Redis, against the activity's window the caller holds), decide in one Redis
   * round trip, answer. The reservation the script writes is the outbox: once it exists the order will
   * (the relay publishes it now, recovery later if that fails), so the answer does not wait for Kafka.
   */
  async purchase(p: Purchase, window: ActivityWindow | null): Promise<PurchaseOutcome> {
    const screened = this.risk.screen(p, window);
    if (screened) return { kind: 'refused', refusal: screened };
    // A Redis server the ledger has not rebuilt since it came back may sell what it forgot was sold.
    if (this.hold.holding) return this.held();

    p.orderId = newOrderId(p.now);
    const stamp = this.soldOut.stamp(p.activityId);
    let reply: ReserveReply;
    try {
      reply = await this.reservations.reserve(p);
    } catch (err) {
      if (err instanceof SalesHeldError) return this.held(); // the script was not sent
      // The script may have run and its reply been lost: the 503 must stay true, so the attempt is abandoned
      // (recorded in PostgreSQL before the answer, undone in Redis).
      await this.abandoned.add(p);
      return this.unavailable('the reservation script failed', err, p.correlationId);
    }
    countOutcome(reply.code);
    // The answer shows the stock left: 0 sets this instance's sold-out flag (unless a newer change came in).
    if (reply.remaining >= 0) this.soldOut.applyRead(p.activityId, reply.remaining, stamp);
    switch (reply.code) {
      case 'OK':
        this.relay.relay(orderRequestOf(p), p.correlationId);
        return { kind: 'queued', orderId: p.orderId };
      case 'DUPLICATE':
        return { kind: 'queued', orderId: reply.orderId };
      case 'ABANDONED':
      case 'SHARDED':
        return UNAVAILABLE; // cannot happen for a fresh order id, nor twice; kept total for the type's sake
      default:
        if (!isRefusalReason(reply.code)) return this.unknownCode(p, reply.code);
        return {
          kind: 'refused',
          refusal: refuse(reply.code, 'redis', {
            activityId: p.activityId,
            orderId: reply.orderId,
            retryAfterMs: reply.retryAfterMs,
          }),
        };
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

  /**
   * A code reserve.lua returned that the refusal table (libs/contracts) does not name: the script and the
   * table disagree, a defect. Never guessed at (it is not NOT_FOUND): counted under its own name, logged,
   * the attempt abandoned as a lost reply would be, and thrown (500).
   */
  private async unknownCode(p: Purchase, code: string): Promise<never> {
    this.logger.error({ msg: 'reserve.lua answered an unknown code', code, correlationId: p.correlationId });
    await this.abandoned.add(p);
    throw new Error(`reserve.lua answered ${code}, a code the refusal table does not know`);
  }

  /** The sales are held (SaleHold): nothing taken, and nothing logged per request. */
  private held(): PurchaseOutcome {
    countOutcome('UNAVAILABLE');
    return UNAVAILABLE;
  }

  /** `correlationId` named on the line: the hot route opens no correlation scope (JsonLogger). */
  private unavailable(msg: string, err: unknown, correlationId: string): PurchaseOutcome {
    countOutcome('UNAVAILABLE');
    this.logger.warn({ msg, correlationId, err: err instanceof Error ? err.message : String(err) });
    return UNAVAILABLE;
  }
}
