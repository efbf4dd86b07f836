import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CancelledOrder, OrderLine, OrderSnapshot, OrderStatus, ordersTable } from '@app/database';
import { StockStore, groupByActivity } from '@app/stock';
import { CancelledBy, cancellationLateness, ordersCancelled, stockReleased } from './cancellation.metrics';
import { CancellationEventsPublisher } from './cancellation-events.publisher';

/** An order whose stock is to go back to Redis. */
export type OrderToRelease = OrderLine;
export type { CancelledOrder, OrderSnapshot };

/**
 * What cancellation asks of the orders table (libs/database: its statements and their guards), a statement
 * per batch of orders; the seam the service's unit spec replaces.
 */
@Injectable()
export class CancellationRepository {
  constructor(private readonly db: DataSource) {}

  /** Cancels those of `orderIds` still PENDING and expired by the database clock, in one statement. */
  cancelDue(orderIds: string[]): Promise<CancelledOrder[]> {
    return ordersTable.cancelDue(this.db, orderIds);
  }

  /**
   * Cancels up to `limit` PENDING orders expired for longer than `graceMs` (their timeout message
   * is late or lost). SKIP LOCKED lets several instances sweep without waiting on each other.
   */
  cancelExpired(graceMs: number, limit: number): Promise<CancelledOrder[]> {
    return ordersTable.cancelExpired(this.db, graceMs, limit);
  }

  /** Cancelled orders whose release did not complete (the canceller died between the two steps). */
  findUnreleased(graceMs: number, limit: number): Promise<OrderToRelease[]> {
    return ordersTable.unreleased(this.db, graceMs, limit);
  }

  findMany(orderIds: string[]): Promise<OrderSnapshot[]> {
    return ordersTable.snapshots(this.db, orderIds);
  }

  /** Records that the stock of these cancelled orders is back. */
  async markReleased(orderIds: string[]): Promise<void> {
    await ordersTable.markReleased(this.db, orderIds);
  }
}

export type CancelOutcome =
  /** This call cancelled the order and released its stock. */
  | { result: 'cancelled' }
  /** Already cancelled by an attempt that died before the release; this call finished it. */
  | { result: 'release-finished' }
  /** PAID, or CANCELLED and released: nothing to do. */
  | { result: 'final'; status: OrderStatus }
  /** Still PENDING and not expired by the database clock: try again in `remainingMs`. */
  | { result: 'not-due'; remainingMs: number }
  | { result: 'not-found' };

/** How many orders one sweep may touch, so a large backlog is worked off in bounded steps. */
export const SWEEP_LIMIT = 5_000;

/**
 * Cancels unpaid orders and gives their stock back exactly once; used by the timeout consumer and
 * the sweeper alike, a batch at a time (a wave of expiries is thousands of orders within a second).
 * Step one, the conditional UPDATE, decides who wins against pay; step two, the release, is idempotent
 * (a Redis state machine), so repeating it after a crash is always safe.
 * Per batch: one UPDATE, one SELECT of the rest, one release script per activity, the events in as few
 * Kafka requests as the batcher makes, one UPDATE recording the releases.
 */
@Injectable()
export class CancellationService {
  private readonly logger = new Logger(CancellationService.name);

  constructor(
    private readonly orders: CancellationRepository,
    private readonly stock: StockStore,
    private readonly events: CancellationEventsPublisher,
  ) {}

  /**
   * What cancelling each of `orderIds` came to (duplicates share one outcome). `correlationIds` carries
   * each timeout message's correlation id on to its ORDER_CANCELLED event.
   */
  async cancelMany(
    orderIds: string[],
    by: CancelledBy,
    correlationIds: ReadonlyMap<string, string> = new Map(),
  ): Promise<Map<string, CancelOutcome>> {
    const outcomes = new Map<string, CancelOutcome>();
    const unique = [...new Set(orderIds)];
    if (unique.length === 0) return outcomes;
    const cancelled = await this.orders.cancelDue(unique);
    for (const order of cancelled) outcomes.set(order.id, { result: 'cancelled' });
    const rest = unique.filter((id) => !outcomes.has(id));
    const unfinished: OrderToRelease[] = [];
    for (const order of rest.length > 0 ? await this.orders.findMany(rest) : []) {
      if (order.status === 'PENDING') {
        outcomes.set(order.id, { result: 'not-due', remainingMs: order.remainingMs });
      } else if (order.status === 'CANCELLED' && !order.stockReleased) {
        outcomes.set(order.id, { result: 'release-finished' });
        unfinished.push(order);
      } else {
        outcomes.set(order.id, { result: 'final', status: order.status });
      }
    }
    for (const id of rest) if (!outcomes.has(id)) outcomes.set(id, { result: 'not-found' });
    this.recordCancelled(cancelled, by);
    await this.release([...cancelled, ...unfinished], by, correlationIds);
    return outcomes;
  }

  /** The backstop: expired orders nobody cancelled, and cancellations whose release never finished. */
  async sweep(graceMs: number): Promise<{ cancelled: number; finished: number }> {
    const cancelled = await this.orders.cancelExpired(graceMs, SWEEP_LIMIT);
    this.recordCancelled(cancelled, 'sweeper');
    await this.release(cancelled, 'sweeper');
    const unreleased = await this.orders.findUnreleased(graceMs, SWEEP_LIMIT);
    await this.release(unreleased, 'sweeper');
    return { cancelled: cancelled.length, finished: unreleased.length };
  }

  private recordCancelled(orders: CancelledOrder[], by: CancelledBy): void {
    if (orders.length === 0) return;
    ordersCancelled.inc({ by }, orders.length);
    let latest = 0;
    for (const order of orders) {
      cancellationLateness.observe({ by }, order.latenessSeconds);
      latest = Math.max(latest, order.latenessSeconds);
    }
    this.logger.log({
      msg: 'orders cancelled',
      count: orders.length,
      by,
      maxLatenessMs: Math.round(latest * 1000),
    });
  }

  /**
   * Gives the stock back, announces the cancellations, then records the releases. The events go out
   * before the bookkeeping so that a crash or a Kafka outage in between makes the next attempt send them
   * again (at least once; subscribers dedupe by order id) rather than lose them.
   */
  private async release(
    orders: OrderToRelease[],
    by: CancelledBy,
    correlationIds: ReadonlyMap<string, string> = new Map(),
  ): Promise<void> {
    if (orders.length === 0) return;
    for (const [activityId, group] of groupByActivity(orders)) {
      // T as well as O: the order row exists, but the order-service may have died before confirming it.
      const results = await this.stock.releaseMany(
        activityId,
        group.map((o) => ({ orderId: o.id, userId: o.userId })),
        ['T', 'O'],
        'X',
      );
      const released = results.filter((r) => r.released).length;
      stockReleased.inc({ by }, released);
      // Already released by an earlier attempt ('X') is the normal case; anything else is worth a look.
      const odd = results.filter((r) => !r.released && r.found !== 'X');
      if (odd.length > 0) {
        this.logger.warn({
          msg: 'no reservation to release',
          activityId,
          orders: odd.slice(0, 10).map((r) => ({ orderId: r.orderId, state: r.found || null })),
          count: odd.length,
        });
      }
    }
    await this.events.cancelled(orders, correlationIds);
    await this.orders.markReleased(orders.map((o) => o.id));
  }
}
