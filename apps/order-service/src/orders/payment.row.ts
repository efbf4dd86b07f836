import { RefundReason } from '@app/contracts';
import { PaymentRow, PaymentStatus } from '@app/database';

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
