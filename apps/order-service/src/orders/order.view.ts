import { OrderLine, OrderStatus } from '@app/database';
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

export interface OrderRow {
  id: string;
  activity_id: number;
  user_id: string;
  quantity: number;
  status: OrderStatus;
  created_at: Date;
  expires_at: Date;
  paid_at: Date | null;
  cancelled_at: Date | null;
}

export const ORDER_COLUMNS =
  'id, activity_id, user_id, quantity, status, created_at, expires_at, paid_at, cancelled_at';

export function toOrderView(r: OrderRow): OrderView {
  return {
    id: r.id,
    activityId: r.activity_id,
    userId: r.user_id,
    quantity: r.quantity,
    status: r.status,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    paidAt: r.paid_at,
    cancelledAt: r.cancelled_at,
  };
}
