import { counter, histogram } from '@app/observability';

/** Who cancelled: the delayed timeout message, or the sweeper standing in for a lost one. */
export type CancelledBy = 'timeout' | 'sweeper';

export const ordersCancelled = counter('orders_cancelled_total', 'Unpaid orders cancelled', ['by']);

export const stockReleased = counter(
  'stock_released_total',
  'Cancelled orders whose stock went back to Redis',
  ['by'],
);

/** How long after expires_at the cancellation happened: the delay machinery's accuracy, end to end. */
export const cancellationLateness = histogram(
  'order_cancellation_lateness_seconds',
  'cancelled_at - expires_at of cancelled orders',
  ['by'],
  [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 300],
);
