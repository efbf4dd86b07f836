import { AppError } from '@app/common';
import { Order, OrderLine, OrderStatus } from '@app/database';
import type { PaymentView } from './payment.row';

/** The public shape of an order (GET /api/orders/:id and the pay answer). */
export interface OrderView extends OrderLine {
  status: OrderStatus;
  createdAt: Date;
  expiresAt: Date;
  paidAt: Date | null;
  cancelledAt: Date | null;
  /**
   * GET only: the order's payments at the provider, oldest first, each with its own status beside the
   * order's (a CANCELLED order with a REFUND_PENDING, then REFUNDED, payment was paid too late).
   */
  payments?: PaymentView[];
}

export function toOrderView(o: Order): OrderView {
  const { id, activityId, userId, quantity, status, createdAt, expiresAt, paidAt, cancelledAt } = o;
  return { id, activityId, userId, quantity, status, createdAt, expiresAt, paidAt, cancelledAt };
}

/** Why the order cannot be paid (any more): a 409 that says its status, or when its window closed. */
export function notPayable(order: OrderView): AppError {
  const why =
    order.status === 'PENDING'
      ? `the payment window closed at ${order.expiresAt.toISOString()}`
      : `the order is ${order.status}`;
  return new AppError('ORDER_NOT_PAYABLE', 409, why, { status: order.status });
}
