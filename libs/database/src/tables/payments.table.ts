import { RefundReason } from '@app/contracts';
import { Sql, pastGrace, rowsOf } from '../query-rows';
import { PaymentRow, PaymentStatus } from './payment';

// The payments table (and payment_events, the callbacks already applied): its columns are named here once.
// Each change of status is conditional on the status it moves from, so a duplicate callback or command,
// or the provider's own event arriving first, changes nothing.
const COLUMNS = 'id, order_id, amount, currency, status, refund_reason, created_at, captured_at, refunded_at';
const REFUNDED_UNANNOUNCED = `status = 'REFUNDED' AND refund_announced_at IS NULL`;

/** One payment the shop recorded for an order of the activity (payments joined to orders). */
export interface PaymentLine {
  id: string;
  orderId: string;
  amount: number;
  status: PaymentStatus;
  refundRequestedAt: Date | null;
}

export const paymentsTable = {
  /** Records a callback's event id: false when it was applied before (the callback is a duplicate). */
  async recordEvent(q: Sql, eventId: string, paymentId: string, type: string): Promise<boolean> {
    const fresh = await rowsOf(
      q,
      'INSERT INTO payment_events (id, payment_id, type) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id',
      [eventId, paymentId, type],
    );
    return fresh.length > 0;
  },

  /** A payment CREATED at the provider, recorded once (a second recording of the same id is a no-op). */
  async recordCreated(q: Sql, id: string, orderId: string, amount: number, currency: string): Promise<void> {
    await rowsOf(
      q,
      `INSERT INTO payments (id, order_id, amount, currency, status) VALUES ($1, $2, $3, $4, 'CREATED')
       ON CONFLICT (id) DO NOTHING`,
      [id, orderId, amount, currency],
    );
  },

  byId: (q: Sql, id: string) => rowsOf<PaymentRow>(q, `SELECT ${COLUMNS} FROM payments WHERE id = $1`, [id]),

  /** The payment, its row locked until the transaction ends (one callback applied at a time). */
  lock: (q: Sql, id: string) =>
    rowsOf<PaymentRow>(q, `SELECT ${COLUMNS} FROM payments WHERE id = $1 FOR UPDATE`, [id]),

  /** The order's payments, oldest first. */
  ofOrder: (q: Sql, orderId: string) =>
    rowsOf<PaymentRow>(q, `SELECT ${COLUMNS} FROM payments WHERE order_id = $1 ORDER BY created_at, id`, [
      orderId,
    ]),

  async fail(q: Sql, id: string): Promise<boolean> {
    const failed = await rowsOf(
      q,
      `UPDATE payments SET status = 'FAILED' WHERE id = $1 AND status = 'CREATED' RETURNING id`,
      [id],
    );
    return failed.length > 0;
  },

  async capture(q: Sql, id: string): Promise<void> {
    await rowsOf(q, `UPDATE payments SET status = 'CAPTURED', captured_at = now() WHERE id = $1`, [id]);
  },

  /** Captured, but its order cannot take it: REFUND_PENDING, for the saga's compensation. */
  toRefund: (q: Sql, id: string, reason: RefundReason) =>
    rowsOf<PaymentRow>(
      q,
      `UPDATE payments SET status = 'REFUND_PENDING', captured_at = now(), refund_requested_at = now(),
              refund_reason = $2
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, reason],
    ),

  /** The provider's payment.refunded event: REFUNDED unless it already is. */
  refunded: (q: Sql, id: string, refundId: string | null) =>
    rowsOf<PaymentRow>(
      q,
      `UPDATE payments SET status = 'REFUNDED', refund_id = $2, refunded_at = now()
        WHERE id = $1 AND status <> 'REFUNDED' RETURNING ${COLUMNS}`,
      [id, refundId],
    ),

  /** The provider confirmed a refund the shop asked for: REFUNDED once (REFUND_PENDING only). */
  confirmRefund: (q: Sql, id: string, refundId: string) =>
    rowsOf<PaymentRow & { refund_requested_at: Date }>(
      q,
      `UPDATE payments SET status = 'REFUNDED', refund_id = $2, refunded_at = now()
        WHERE id = $1 AND status = 'REFUND_PENDING' RETURNING ${COLUMNS}, refund_requested_at`,
      [id, refundId],
    ),

  async markRefundCommandSent(q: Sql, ids: string[]): Promise<void> {
    await rowsOf(
      q,
      `UPDATE payments SET refund_command_sent_at = now(), refund_attempts = refund_attempts + 1
        WHERE id = ANY($1) AND status = 'REFUND_PENDING'`,
      [ids],
    );
  },

  /** REFUND_PENDING payments whose command was never sent (after `graceMs`) or not confirmed (`retryMs`). */
  refundsDue: (q: Sql, graceMs: number, retryMs: number, limit: number) =>
    rowsOf<PaymentRow & { refund_command_sent_at: Date | null }>(
      q,
      `SELECT ${COLUMNS}, refund_command_sent_at FROM payments
        WHERE status = 'REFUND_PENDING'
          AND ((refund_command_sent_at IS NULL AND refund_requested_at < now() - $1 * interval '1 millisecond')
            OR refund_command_sent_at < now() - $2 * interval '1 millisecond')
        ORDER BY refund_requested_at LIMIT $3`,
      [graceMs, retryMs, limit],
    ),

  /** REFUNDED payments whose PAYMENT_REFUNDED is not known to be out, refunded longer than `graceMs` ago. */
  refundedUnannounced: (q: Sql, graceMs: number, limit: number) =>
    pastGrace<PaymentRow>(
      q,
      `SELECT ${COLUMNS} FROM payments`,
      REFUNDED_UNANNOUNCED,
      'refunded_at',
      graceMs,
      limit,
    ),

  async markRefundAnnounced(q: Sql, ids: string[]): Promise<void> {
    await rowsOf(
      q,
      `UPDATE payments SET refund_announced_at = now() WHERE id = ANY($1) AND refund_announced_at IS NULL`,
      [ids],
    );
  },

  /** The payments of the activity's orders. */
  ofActivity: (q: Sql, activityId: number) =>
    rowsOf<PaymentLine>(
      q,
      `SELECT p.id, p.order_id AS "orderId", p.amount, p.status, p.refund_requested_at AS "refundRequestedAt"
         FROM payments p JOIN orders o ON p.order_id = o.id::text
        WHERE o.activity_id = $1`,
      [activityId],
    ),

  /** The activity's payments counted by status and refund reason. */
  countsOfActivity: (q: Sql, activityId: number) =>
    rowsOf<{ status: PaymentStatus; refund_reason: RefundReason | null; count: string }>(
      q,
      `SELECT p.status, p.refund_reason, count(*) AS count
         FROM payments p JOIN orders o ON p.order_id = o.id::text
        WHERE o.activity_id = $1 GROUP BY p.status, p.refund_reason`,
      [activityId],
    ),
};
