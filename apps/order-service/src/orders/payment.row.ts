import { RefundReason } from '@app/contracts';

/** Where a payment stands in the shop (payments.status). */
export const PAYMENT_STATUSES = ['CREATED', 'CAPTURED', 'FAILED', 'REFUND_PENDING', 'REFUNDED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export interface PaymentRow {
  id: string;
  order_id: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  refund_reason: RefundReason | null;
  created_at: Date;
  captured_at: Date | null;
  refunded_at: Date | null;
}

export const PAYMENT_COLUMNS =
  'id, order_id, amount, currency, status, refund_reason, created_at, captured_at, refunded_at';

/** A payment as the buyer sees it beside their order. */
export interface PaymentView {
  id: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  refundReason: RefundReason | null;
  capturedAt: Date | null;
  refundedAt: Date | null;
}

export function toPaymentView(r: PaymentRow): PaymentView {
  return {
    id: r.id,
    status: r.status,
    amount: r.amount,
    currency: r.currency,
    refundReason: r.refund_reason,
    capturedAt: r.captured_at,
    refundedAt: r.refunded_at,
  };
}
