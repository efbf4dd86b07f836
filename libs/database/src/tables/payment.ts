import { RefundReason } from '@app/contracts';

/** Where a payment stands in the shop (payments.status). */
export const PAYMENT_STATUSES = ['CREATED', 'CAPTURED', 'FAILED', 'REFUND_PENDING', 'REFUNDED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** A row of `payments`: a payment at the provider for one order (order_id holds the order's id as text). */
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
