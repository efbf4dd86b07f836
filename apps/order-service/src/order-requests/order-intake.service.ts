import { Injectable, Logger } from '@nestjs/common';
import { OrderRequestMessage } from '@app/contracts';
import { counter } from '@app/observability';
import { RESERVATION_STATES, StockStore } from '@app/stock';
import { OrderEventsPublisher } from '../orders/order-events.publisher';
import { OrderWriter } from './order-writer';
import { ReservationHandoff } from './reservation-handoff';

const ordersWritten = counter('orders_written_total', 'Order rows created from order requests');
const requestsSkipped = counter('order_requests_skipped_total', 'Order requests that wrote nothing', [
  'reason',
]);

export interface Rejection {
  orderId: string;
  reason: string;
}

/**
 * Turns a batch of order requests into orders, idempotently:
 * take the reservations (Redis) → one multi-row INSERT (PostgreSQL) → mark them ordered (Redis)
 * → ORDER_CREATED events and payment timeouts (Kafka). Any failure throws and the whole batch is
 * retried; every step tolerates a replay. Returns the requests that must go to the dead-letter topic.
 */
@Injectable()
export class OrderIntakeService {
  private readonly logger = new Logger(OrderIntakeService.name);

  constructor(
    private readonly handoff: ReservationHandoff,
    private readonly writer: OrderWriter,
    private readonly events: OrderEventsPublisher,
    private readonly stock: StockStore,
  ) {}

  async accept(requests: OrderRequestMessage[]): Promise<Rejection[]> {
    const rejections: Rejection[] = [];
    const toWrite: OrderRequestMessage[] = [];
    for (const [activityId, group] of groupByActivity(requests)) {
      const states = await this.handoff.take(activityId, group);
      group.forEach((request, i) => {
        const state = states[i];
        if (state === 'T' || state === 'O') toWrite.push(request);
        else if (state === '')
          rejections.push({ orderId: request.orderId, reason: 'no reservation with this order id' });
        else if (state === 'MISMATCH')
          rejections.push({
            orderId: request.orderId,
            reason: 'buyer or quantity differ from the reservation',
          });
        else requestsSkipped.inc({ reason: state === 'U' ? 'undone' : 'released' });
      });
    }

    const written = await this.writer.write(toWrite);
    const writtenIds = new Set(written.map((o) => o.id));
    await this.compensate(toWrite.filter((r) => !writtenIds.has(r.orderId)));
    for (const [activityId, group] of groupByActivity(written)) {
      await this.handoff.markOrdered(
        activityId,
        group.map((o) => o.id),
      );
    }
    // Replays re-announce PENDING orders too: events are at-least-once, and a timeout must not be lost
    // when an earlier delivery died between the INSERT and this send.
    await this.events.created(written.filter((o) => o.status === 'PENDING'));
    ordersWritten.inc(written.length);
    return rejections;
  }

  /** The row could not be written (the database refused it): the reservation becomes undone, stock back. */
  private async compensate(failed: OrderRequestMessage[]): Promise<void> {
    for (const r of failed) {
      await this.stock.release(
        r.activityId,
        r.orderId,
        [RESERVATION_STATES.TAKEN],
        RESERVATION_STATES.UNDONE,
      );
      requestsSkipped.inc({ reason: 'refused_by_database' });
      this.logger.warn({
        msg: 'order refused by the database, reservation undone',
        orderId: r.orderId,
        userId: r.userId,
      });
    }
  }
}

function groupByActivity<T extends { activityId: number }>(items: T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) groups.set(item.activityId, [...(groups.get(item.activityId) ?? []), item]);
  return groups;
}
