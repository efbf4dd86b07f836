import { Injectable, Logger } from '@nestjs/common';
import { OrderStatus } from '@app/database';
import { StockStore } from '@app/stock';
import { CancelledBy, cancellationLateness, ordersCancelled, stockReleased } from './cancellation.metrics';
import { CancelledOrder, CancellationRepository, OrderToRelease } from './cancellation.repository';
import { OrderEventsPublisher } from './order-events.publisher';

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
export const SWEEP_LIMIT = 500;
/** Releases run this many at a time: their events then share Kafka requests. */
const SWEEP_CONCURRENCY = 50;

/**
 * Cancels unpaid orders and gives their stock back exactly once; used by the timeout consumer and
 * the sweeper alike. Step one, the conditional UPDATE, decides who wins against pay; step two, the
 * release, is idempotent (a Redis state machine), so repeating it after a crash is always safe.
 */
@Injectable()
export class CancellationService {
  private readonly logger = new Logger(CancellationService.name);

  constructor(
    private readonly orders: CancellationRepository,
    private readonly stock: StockStore,
    private readonly events: OrderEventsPublisher,
  ) {}

  async cancel(orderId: string, by: CancelledBy): Promise<CancelOutcome> {
    const cancelled = await this.orders.cancelIfExpired(orderId);
    if (cancelled) {
      await this.completeCancellation(cancelled, by);
      return { result: 'cancelled' };
    }
    const order = await this.orders.find(orderId);
    if (!order) return { result: 'not-found' };
    if (order.status === 'PENDING') return { result: 'not-due', remainingMs: order.remainingMs };
    if (order.status === 'CANCELLED' && !order.stockReleased) {
      await this.release(order, by);
      return { result: 'release-finished' };
    }
    return { result: 'final', status: order.status };
  }

  /** The backstop: expired orders nobody cancelled, and cancellations whose release never finished. */
  async sweep(graceMs: number): Promise<{ cancelled: number; finished: number }> {
    const cancelled = await this.orders.cancelExpired(graceMs, SWEEP_LIMIT);
    await inSlices(cancelled, (order) => this.completeCancellation(order, 'sweeper'));
    const unreleased = await this.orders.findUnreleased(graceMs, SWEEP_LIMIT);
    await inSlices(unreleased, (order) => this.release(order, 'sweeper'));
    return { cancelled: cancelled.length, finished: unreleased.length };
  }

  private async completeCancellation(order: CancelledOrder, by: CancelledBy): Promise<void> {
    ordersCancelled.inc({ by });
    cancellationLateness.observe({ by }, order.latenessSeconds);
    this.logger.log({
      msg: 'order cancelled',
      orderId: order.id,
      activityId: order.activityId,
      by,
      latenessMs: Math.round(order.latenessSeconds * 1000),
    });
    await this.release(order, by);
  }

  /**
   * Gives the stock back, announces the cancellation, then records the release. The event goes out
   * before the bookkeeping so that a crash or a Kafka outage in between makes the next attempt send it
   * again (at least once; subscribers dedupe by order id) rather than lose it.
   */
  private async release(order: OrderToRelease, by: CancelledBy): Promise<void> {
    // T as well as O: the order row exists, but the order-service may have died before confirming it.
    const released = await this.stock.release(order.activityId, order.id, ['T', 'O'], 'X');
    if (released) {
      stockReleased.inc({ by });
    } else {
      // Already released by an earlier attempt ('X') is the normal case; anything else is worth a look.
      const reservation = await this.stock.reservation(order.activityId, order.id);
      if (reservation?.state !== 'X') {
        this.logger.warn({
          msg: 'no reservation to release',
          orderId: order.id,
          activityId: order.activityId,
          state: reservation?.state ?? null,
        });
      }
    }
    await this.events.cancelled(order);
    await this.orders.markReleased(order.id);
  }
}

/** Runs `work` over `items`, SWEEP_CONCURRENCY at a time; fails (after the slice settles) if any failed. */
async function inSlices<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += SWEEP_CONCURRENCY) {
    const results = await Promise.allSettled(items.slice(i, i + SWEEP_CONCURRENCY).map(work));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  }
}
